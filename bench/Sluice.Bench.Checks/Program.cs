using System.Diagnostics;
using System.Globalization;
using Sluice.Bench.Checks;
using Sluice.Checks;
using Sluice.Engine.DuckDb;
using Sluice.Engine.DuckDb.Checks;
using Sluice.Model;
using Sluice.Templating;

// sluice-bench-checks (issue 7): every standard check of a dataset (one aggregate scan) against one
// plain full scan of the same Parquet file, in the same run. See bench/README.md.
var options = ChecksBenchOptions.Parse(args);
var sorted = Path.GetFullPath(Path.Combine(options.Work, $"orders-{options.Rows}.parquet"));
var shuffled = Path.GetFullPath(Path.Combine(options.Work, $"orders-{options.Rows}-shuffled.parquet"));
var invariant = CultureInfo.InvariantCulture;
await using (var session = await DuckDbSession.OpenAsync())
{
    // The same rows twice: keys ascending (an auto-increment id extracted in order) and keys in
    // random order (what a hash table and a sort meet in most other data).
    foreach (var (target, order) in new[] { (sorted, "i"), (shuffled, "hash(i)") })
    {
        if (File.Exists(target))
        {
            continue;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var generate = Stopwatch.StartNew();
        await session.ExecuteAsync(
            $"""
            COPY (SELECT i AS order_id, i % 50000 AS customer_id,
                         ['books', 'toys', 'garden', 'electronics', 'clothing'][1 + i % 5] AS category,
                         round((i % 10007) * 0.37, 2)::DECIMAL(12,2) AS amount, 1 + i % 9 AS quantity,
                         TIMESTAMP '2024-03-01 00:00:00' + to_microseconds((i * 8640) // {options.Rows} * 10000) AS ordered_at,
                         'customer' || (i % 50000) || '@example.com' AS email
                  FROM range({options.Rows}) t(i) ORDER BY {order}) TO $p (FORMAT parquet, COMPRESSION snappy)
            """,
            [new("p", target)], CancellationToken.None);
        Console.WriteLine(string.Create(invariant, $"generated {options.Rows:N0} rows in {generate.Elapsed.TotalSeconds:0.0}s: {target}"));
    }
}

CheckDefinition Check(string type, params string[] columns) => new() { Type = type, Name = $"{type}({string.Join(",", columns)})", Columns = columns };
var withoutUnique = new List<CheckDefinition>
{
    Check("row_count") with { Min = "1" },
    Check("not_null", "order_id", "customer_id", "category", "amount", "quantity", "ordered_at", "email"),
    Check("accepted_values", "category") with { Values = ["books", "toys", "garden", "electronics", "clothing"] },
    Check("range", "amount") with { Min = "0", Max = "100000" },
    Check("range", "quantity") with { Min = "1", Max = "100" },
    Check("freshness", "ordered_at") with { MaxAge = TimeSpan.FromDays(2) },
};
var metrics = new List<MetricDefinition> { new("revenue", "sum(amount)"), new("units", "sum(quantity)") };
var interval = DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Day, "UTC");
var variants = new (string Name, string File, IReadOnlyList<CheckDefinition> Checks)[]
{
    ("all standard checks + 2 metrics, keys ascending", sorted, [.. withoutUnique, Check("unique", "order_id")]),
    ("all standard checks + 2 metrics, keys shuffled", shuffled, [.. withoutUnique, Check("unique", "order_id")]),
    ("all except unique + 2 metrics", sorted, withoutUnique),
};

// Every column is read (a count of a column Parquet knows has no NULLs would be answered from the
// footer), and the scan pays what the checks pay around their query: a session and a view.
const string Plain = "SELECT count(*), sum(order_id), sum(customer_id), max(category), sum(amount), sum(quantity), max(ordered_at), max(email) FROM orders";
async Task<double> PlainScanAsync()
{
    var watch = Stopwatch.StartNew();
    await using var session = await DuckDbSession.OpenAsync();
    await session.BindDatasetAsync("orders", sorted, CancellationToken.None);
    await session.QueryAsync(Plain, [], CancellationToken.None);
    return watch.Elapsed.TotalSeconds;
}

async Task<(double Seconds, DatasetCheckReport Report)> ChecksAsync(string path, IReadOnlyList<CheckDefinition> checks)
{
    var dataset = new DatasetDefinition { Name = "orders", Checks = checks, Metrics = metrics };
    var watch = Stopwatch.StartNew();
    var report = await new DuckDbCheckRunner().RunAsync(new DatasetCheckRequest(dataset, path, new Dictionary<string, string>(), interval, []), CancellationToken.None);
    return (watch.Elapsed.TotalSeconds, report);
}

await PlainScanAsync(); // warm the page cache
var plain = new List<double>();
var timed = variants.ToDictionary(v => v.Name, _ => new List<double>());
for (var i = 0; i < options.Repeat; i++)
{
    // Interleaved, so load from other processes on the machine hits both sides alike.
    plain.Add(await PlainScanAsync());
    foreach (var (name, dataFile, checks) in variants)
    {
        var (seconds, result) = await ChecksAsync(dataFile, checks);
        if (result.Scans != 1 + checks.Count(c => c.Type == "unique") || result.Results.Any(r => r.Outcome != CheckOutcome.Pass))
        {
            throw new InvalidOperationException($"{name}: expected one scan (and one per unique check) and every check passing, got {result.Scans} scan(s): {string.Join("; ", result.Results.Where(r => r.Outcome != CheckOutcome.Pass).Select(r => r.Message))}");
        }

        timed[name].Add(seconds);
    }

    var sides = string.Join(", ", timed.Select(t => string.Create(invariant, $"{t.Key} {t.Value[^1]:0.000}s")));
    Console.WriteLine(string.Create(invariant, $"repetition {i + 1}: plain {plain[^1]:0.000}s, {sides}"));
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

var plainMedian = Median(plain);
var lines = new List<string>
{
    string.Create(invariant, $"# Issue 7: data checks vs one plain scan ({DateTime.UtcNow:yyyy-MM-dd})"),
    string.Empty,
    string.Create(invariant, $"{options.Rows:N0}-row Parquet file (7 columns, snappy, {new FileInfo(sorted).Length / 1e6:0} MB), median of {options.Repeat} interleaved repetitions, warm page cache, {Environment.ProcessorCount} cores, DuckDB defaults of `DuckDbSession` (memory limit 2GB). Command: `dotnet run -c Release --project bench/Sluice.Bench.Checks -- --rows {options.Rows} --repeat {options.Repeat}`."),
    string.Empty,
    "Plain scan: open a session, bind the file as view `orders`, `" + Plain + "` (every column read; the time includes the session, as the checks' does).",
    "Checks: `DuckDbCheckRunner.RunAsync` (a session, DESCRIBE of the footer, one aggregate query): row_count, not_null on all 7 columns, accepted_values(category), range(amount), range(quantity), freshness(ordered_at), metrics sum(amount) and sum(quantity); the first two variants add unique(order_id) (a second query: the keys sorted, each compared with the one before; as many distinct keys as rows), over the file with keys ascending and over the same rows with keys in random order.",
    string.Empty,
    "| Variant | Median seconds | Ratio to plain scan |",
    "| --- | ---: | ---: |",
    string.Create(invariant, $"| plain full scan | {plainMedian:0.000} | 1.00x |"),
};
lines.AddRange(timed.Select(t => string.Create(invariant, $"| {t.Key} | {Median(t.Value):0.000} | {Median(t.Value) / plainMedian:0.00}x |")));
var report = string.Join('\n', lines) + "\n";
Console.WriteLine();
Console.Write(report);
Directory.CreateDirectory(options.Results);
var file = Path.Combine(options.Results, $"issue7-checks-{DateTime.UtcNow:yyyy-MM-dd}.md");
await File.WriteAllTextAsync(file, report);
Console.WriteLine($"written to {file}");
