using System.Diagnostics;
using System.Globalization;
using Sluice.Connectors;
using Sluice.Connectors.Http;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Yaml;

namespace Sluice.Bench.Http;

/// <summary>
/// One measured extraction, run in a child process so its peak RSS (VmHWM) is the connector's
/// alone, without the server's. The pipeline goes through the real runner, as `sluice run` would.
/// </summary>
internal static class ClientRun
{
    public sealed record Result(double Seconds, long Rows, double PeakRssMb, double FetchPeakRssMb);

    /// <summary>Notes the peak RSS when the source reports that every page is fetched, before DuckDB writes Parquet.</summary>
    private sealed class FetchPeak : IRunObserver
    {
        public double Mb { get; private set; }

        public void Log(string taskId, string message)
        {
            if (message.StartsWith("fetched ", StringComparison.Ordinal))
            {
                Mb = PeakRssMb();
            }
        }
    }

    public static async Task<int> MainAsync(string url, int records, int pageSize, int concurrency, int latencyMs)
    {
        var root = Path.Combine(Path.GetTempPath(), "sluice-bench-http", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            File.WriteAllText(Path.Combine(root, "connections.yaml"), $"connections:\n  bench:\n    type: http\n    base_url: {url}/\n");
            File.WriteAllText(Path.Combine(root, "pipeline.yaml"), string.Create(CultureInfo.InvariantCulture, $$"""
                name: bench
                tasks:
                  pull:
                    source: http
                    output: raw
                    with:
                      connection: bench
                      url: items
                      query: { total: "{{records}}", latency_ms: "{{latencyMs}}" }
                      records_path: items
                      pagination: page
                      page_size: {{pageSize}}
                      total_path: total
                      concurrency: {{concurrency}}
                      log_every: 1000000
                """));
            var pipeline = PipelineYamlLoader.LoadFile(Path.Combine(root, "pipeline.yaml"));
            var catalog = new ConnectorCatalog().Add(new HttpSource()).Add(HttpConnection.Type);
            var state = Path.Combine(root, ".sluice");
            await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(state, "sluice.db"));
            var clock = Stopwatch.StartNew();
            var fetchPeak = new FetchPeak();
            var result = await new PipelineRunner(catalog, store, state).RunAsync(pipeline, new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) }, fetchPeak);
            clock.Stop();
            if (!result.Succeeded)
            {
                await Console.Error.WriteLineAsync(result.Run.Error);
                return 1;
            }

            var rows = result.Tasks.Single().RowsWritten;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {clock.Elapsed.TotalSeconds:0.000} {rows} {PeakRssMb():0.0} {fetchPeak.Mb:0.0}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The process's peak resident set (VmHWM), in MB.</summary>
    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Runs this executable as a child client and parses its RESULT line.</summary>
    public static async Task<Result> SpawnAsync(string url, int records, int pageSize, int concurrency, int latencyMs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new object[] { "client", url, records, pageSize, concurrency, latencyMs })
        {
            start.ArgumentList.Add(Convert.ToString(argument, CultureInfo.InvariantCulture)!);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"client failed ({process.ExitCode}): {error}{output}");
        var parts = line.Split(' ');
        return new Result(
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[3], CultureInfo.InvariantCulture),
            double.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
