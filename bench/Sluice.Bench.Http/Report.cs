using System.Globalization;
using System.Text;

namespace Sluice.Bench.Http;

/// <summary>The results as markdown: medians, ratios against the baseline of the same run, and the machine's state.</summary>
internal sealed class Report(int records, int pageSize, int runs)
{
    private readonly StringBuilder _throughput = new();
    private readonly StringBuilder _memory = new();
    private readonly string _loadBefore = LoadAverage();

    public void Throughput(int latencyMs, Dictionary<int, List<ClientRun.Result>> samples)
    {
        var baseline = Median(samples[1].Select(r => r.Rows / r.Seconds));
        foreach (var (concurrency, results) in samples)
        {
            var rate = Median(results.Select(r => r.Rows / r.Seconds));
            _throughput.Append(CultureInfo.InvariantCulture, $"| {latencyMs} ms | {concurrency} | {Median(results.Select(r => r.Seconds)):0.00} | {rate:0} | {rate / baseline:0.00}x | {string.Join(", ", results.Select(r => (r.Rows / r.Seconds).ToString("0", CultureInfo.InvariantCulture)))} |\n");
        }
    }

    public void Memory(int size, List<ClientRun.Result> samples) =>
        _memory.Append(CultureInfo.InvariantCulture, $"| {size:N0} | {size / pageSize:N0} | {Median(samples.Select(r => r.FetchPeakRssMb)):0} | {Median(samples.Select(r => r.PeakRssMb)):0} | {string.Join(", ", samples.Select(r => r.PeakRssMb.ToString("0", CultureInfo.InvariantCulture)))} | {Median(samples.Select(r => r.Seconds)):0.00} |\n");

    public string Render() => $"""
        # Issue 3: HTTP source throughput and memory ({DateTime.UtcNow:yyyy-MM-dd})

        `dotnet run -c Release --project bench/Sluice.Bench.Http` — {records:N0} records in {records / pageSize:N0} pages of {pageSize}
        from a loopback Kestrel API (records nested two levels deep, with an array), extracted by
        `source: http` (page pagination with `total_path`) through the real runner into a staged
        Parquet dataset. Each measurement is a fresh child process (its JIT start-up included), so
        its peak RSS (VmHWM) is the client's alone. Medians of {runs} runs; configurations interleaved.

        **Machine**: {Environment.ProcessorCount} cores, shared and noisy: other engineers were building and testing
        on it at the same time (load average before: {_loadBefore}; after: {LoadAverage()}). Read ratios,
        not absolute numbers. The server runs in the same machine and competes for the same 2 cores.

        ## Throughput: page concurrency 1 vs 4

        `latency` is a delay the server adds to every page, standing in for a remote API.

        | latency | concurrency | median s | median records/s | vs concurrency 1 | records/s of each run |
        | --- | --- | --- | --- | --- | --- |
        {_throughput}
        ## Memory: peak RSS at two sizes (concurrency 4, no latency)

        | records | pages | median peak RSS MB when every page is fetched | median peak RSS MB of the task | peak of each run | median s |
        | --- | --- | --- | --- | --- | --- |
        {_memory}
        The first memory column is the peak while pages are fetched, flattened and appended to the
        staged JSON-lines file: the connector's own part, which holds only the pages in flight. The
        second adds the last step, DuckDB's `read_json` writing the Parquet dataset; DuckDB's memory is
        governed by `SLUICE_DUCKDB_MEMORY_LIMIT` (default 2GB) rather than by the connector, and it
        grows with the file (see Notes below).

        """;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
