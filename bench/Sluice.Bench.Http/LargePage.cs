using System.Globalization;
using System.Text;

namespace Sluice.Bench.Http;

/// <summary>
/// Peak memory of the client for ONE page of about 20 MB and one of about 200 MB (page_size equal
/// to the total, so the whole interval is a single response). A source that streams a page keeps
/// the same peak for both; one that holds the page grows with it (issue 11: 1.43 GB for 214 MB).
/// </summary>
internal static class LargePage
{
    private static readonly int[] SizesMb = [20, 200];

    public static async Task<int> RunAsync(int runs, string output)
    {
        await using var server = await BenchServer.StartAsync();
        var bytesPerRecord = BenchServer.PageBytes(1000) / 1000.0;
        var table = new StringBuilder();
        var fetchPeaks = new List<double>();
        foreach (var mb in SizesMb)
        {
            var records = (int)(mb * 1_000_000 / bytesPerRecord);
            var samples = new List<ClientRun.Result>();
            for (var run = 0; run < runs; run++)
            {
                var result = await ClientRun.SpawnAsync(server.Url, records, records, 1, 0);
                if (result.Rows != records)
                {
                    throw new InvalidOperationException($"expected {records} rows, got {result.Rows}");
                }

                samples.Add(result);
                Console.WriteLine($"one page of {mb} MB ({records} records): peak RSS {result.FetchPeakRssMb:0} MB when fetched, {result.PeakRssMb:0} MB overall, {result.Seconds:0.0}s");
            }

            var fetch = Median(samples.Select(s => s.FetchPeakRssMb));
            fetchPeaks.Add(fetch);
            table.Append(CultureInfo.InvariantCulture, $"| {records * bytesPerRecord / 1e6:0.0} | {records:N0} | {fetch:0} | {Median(samples.Select(s => s.PeakRssMb)):0} | {string.Join(", ", samples.Select(s => s.FetchPeakRssMb.ToString("0", CultureInfo.InvariantCulture)))} | {Median(samples.Select(s => s.Seconds)):0.0} |\n");
        }

        var text = $"""
            # Issue 11: one large HTTP page, peak memory ({DateTime.UtcNow:yyyy-MM-dd})

            `dotnet run -c Release --project bench/Sluice.Bench.Http -- --page-memory` — one JSON response
            holding every record of the interval (`page_size` = total), from a loopback Kestrel API,
            extracted by `source: http` through the real runner in a fresh child process; peak RSS is
            the child's VmHWM. Medians of {runs} runs. Machine: {Environment.ProcessorCount} cores shared with other work
            (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end), so times are noisy; memory is not.

            | page MB | records | peak RSS MB when the page is read and staged | peak RSS MB of the task (DuckDB writing Parquet included) | first column, each run | median s |
            | --- | --- | --- | --- | --- | --- |
            {table}
            Ratio of the staging peaks, 200 MB page / 20 MB page: **{fetchPeaks[^1] / fetchPeaks[0]:0.00}** (1.00 = independent of the page size).
            The second column adds DuckDB's `read_json` over the staged file, bounded by
            `SLUICE_DUCKDB_MEMORY_LIMIT` rather than by the connector.

            """;
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine(text);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
