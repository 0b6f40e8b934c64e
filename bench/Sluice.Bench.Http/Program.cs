using System.Globalization;
using Sluice.Bench.Http;

// sluice-bench-http [--records 100000] [--runs 3] [--out FILE]: throughput with and without page
// concurrency, and peak memory at two sizes, against a loopback API. With --page-memory: peak
// memory for one page of about 20 MB and one of about 200 MB instead. `client ...` is the child
// process that does one measured extraction.
if (args.Length > 0 && args[0] == "client")
{
    return await ClientRun.MainAsync(args[1], Int(args[2]), Int(args[3]), Int(args[4]), Int(args[5]));
}

if (args.Contains("--page-memory"))
{
    return await LargePage.RunAsync(Option("--runs", 2), args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault()
        ?? Path.Combine(RepositoryRoot(), "bench", "results", $"issue11-http-large-page-{DateTime.UtcNow:yyyy-MM-dd}.md"));
}

var records = Option("--records", 100_000);
var runs = Option("--runs", 3);
const int PageSize = 100;
var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault()
    ?? Path.Combine(RepositoryRoot(), "bench", "results", $"issue3-http-{DateTime.UtcNow:yyyy-MM-dd}.md");

await using var server = await BenchServer.StartAsync();
var report = new Report(records, PageSize, runs);
Console.WriteLine($"server on {server.Url}; {records} records in {records / PageSize} pages; {runs} runs per configuration");

// Warm the server's page cache so every measured run sees the same server cost.
await ClientRun.SpawnAsync(server.Url, records, PageSize, 4, 0);
var memoryOnly = args.Contains("--memory-only");
foreach (var latency in memoryOnly ? [] : new[] { 0, 10 })
{
    var samples = new Dictionary<int, List<ClientRun.Result>> { [1] = [], [4] = [] };
    for (var run = 0; run < runs; run++)
    {
        // Interleaved, so a burst of load from other work on the machine hits both configurations.
        foreach (var concurrency in samples.Keys)
        {
            var result = await ClientRun.SpawnAsync(server.Url, records, PageSize, concurrency, latency);
            Check(result, records);
            samples[concurrency].Add(result);
            Console.WriteLine($"latency {latency}ms concurrency {concurrency}: {result.Seconds:0.00}s, {result.Rows / result.Seconds:0} records/s, peak RSS {result.PeakRssMb:0} MB");
        }
    }

    report.Throughput(latency, samples);
}

foreach (var size in new[] { records, records * 4 })
{
    var samples = new List<ClientRun.Result>();
    for (var run = 0; run < runs; run++)
    {
        var result = await ClientRun.SpawnAsync(server.Url, size, PageSize, 4, 0);
        Check(result, size);
        samples.Add(result);
        Console.WriteLine($"{size} records: peak RSS {result.PeakRssMb:0} MB ({result.FetchPeakRssMb:0} MB when every page was fetched), {result.Seconds:0.00}s");
    }

    report.Memory(size, samples);
}

var text = report.Render();
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, text);
Console.WriteLine(text);
Console.WriteLine($"written to {output}");
return 0;

static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? Int(args[index + 1]) : fallback;
}

static void Check(ClientRun.Result result, long expected)
{
    if (result.Rows != expected)
    {
        throw new InvalidOperationException($"expected {expected} rows, got {result.Rows}");
    }
}

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
