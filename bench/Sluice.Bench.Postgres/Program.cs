using System.Globalization;
using System.Text;
using Sluice.Bench.Postgres;

// PostgreSQL connector bench (issues #3 and #10): load, extract and upsert through sluice against psql
// on the same server in the same run; medians of 3 in alternating order; peak RSS at two sizes.
// Usage: sluice-bench-postgres [rows=5000000] [upsert_rows=1000000] [small_rows=1000000]
//          [--only load,extract] [--before DIR] [--repeat 3]
// --only runs just those scenarios and writes issue10-postgres-<date>.md; --before DIR also times the
// sluice.dll in DIR (an older build) as a third side, so before/after come from the same run.
var culture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
var rows = options.Rows;
var upsertRows = options.UpsertRows;
var smallRows = options.SmallRows;
var repeats = options.Repeat;

var repo = FindRepo();
var work = Path.Combine(repo, "bench", "data", "postgres");
Directory.CreateDirectory(work);
var sluice = Path.Combine(AppContext.BaseDirectory, "sluice.dll");
using var server = await BenchServer.StartAsync(repo, Path.Combine(work, "server"));
const string Db = "sluice_bench";
await server.ExecuteAsync(server.Env["SLUICE_TEST_PG_DATABASE"], $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");
await server.ExecuteAsync(server.Env["SLUICE_TEST_PG_DATABASE"], $"CREATE DATABASE {Db}");
var load = new Workload(work, server, Db);
load.WriteConnections();
var loadAverageBefore = Measure.LoadAverage();
void Say(string text) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {text}");

Say($"generating {rows:N0} + {upsertRows:N0} order rows");
var big = load.Csv($"orders_{rows}", 0, rows);
var small = load.Csv($"orders_{smallRows}", 0, smallRows);
var changes = load.Csv($"upsert_{upsertRows}", rows - (upsertRows / 2), upsertRows, bump: 1);
foreach (var table in new[] { "orders_psql", "orders_sluice", "orders_copy", "orders_small" })
{
    // No autovacuum: an ANALYZE of the table just loaded would land inside the next measurement.
    await server.ExecuteAsync(Db, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({Workload.Columns}) WITH (autovacuum_enabled = false)");
}

// 1. Load: CSV -> PostgreSQL. Sluice's task is its load (reading the staged dataset, COPY, commit); its
// process also starts .NET and stages the CSV as Parquet first, which psql \copy does not do.
var loadPipeline = load.LoadPipeline("load_big", big, "orders_sluice", "append");
Sides? loadSides = null;
if (options.Runs("load"))
{
    loadSides = new Sides("load", SluiceSides(
        ("psql \\copy FROM CSV", async () =>
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_psql");
            return Psql(await server.PsqlAsync(Db, $"\\copy orders_psql FROM '{big}' CSV HEADER"));
        }
    ),
        dll => async () =>
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_sluice");
            return await Measure.SluiceAsync(dll, loadPipeline, "load", server);
        }));
    await loadSides.RunAsync(repeats, Say);
    Check(await server.CountAsync(Db, "orders_sluice") == rows, "sluice loaded a wrong row count");
}
else
{
    await server.ExecuteAsync(Db, "TRUNCATE orders_psql");
    await server.PsqlAsync(Db, $"\\copy orders_psql FROM '{big}' CSV HEADER");
}

// 2. Extract: PostgreSQL -> staged dataset (sluice) vs psql's COPY (SELECT ...) TO STDOUT into a file.
await server.ExecuteAsync(Db, "VACUUM ANALYZE orders_psql");
var extractPipeline = load.ExtractPipeline("extract_big", "orders_psql");
var outCsv = Path.Combine(work, "extract_out.csv");
Sides? extractSides = null;
if (options.Runs("extract"))
{
    extractSides = new Sides("extract", SluiceSides(
        ("psql COPY TO STDOUT", async () =>
        {
            var time = await server.PsqlAsync(Db, "COPY (SELECT * FROM orders_psql) TO STDOUT (FORMAT csv)", outCsv);
            File.Delete(outCsv);
            return Psql(time);
        }
    ),
        dll => () => Measure.SluiceAsync(dll, extractPipeline, "extract", server)));
    await extractSides.RunAsync(repeats, Say);
}

// 3. Upsert: 1M rows, half changed and half new, into a 5M-row table with a primary key; baseline is a plain COPY of the same rows.
var upsertPipeline = load.LoadPipeline("upsert", changes, "orders_up", "upsert");
Sides? upsertSides = null;
if (options.Runs("upsert"))
{
    upsertSides = new Sides("upsert", SluiceSides(
        ("plain COPY of the same rows", async () =>
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_copy");
            return Psql(await server.PsqlAsync(Db, $"\\copy orders_copy FROM '{changes}' CSV HEADER"));
        }
    ),
        dll => async () =>
        {
            await server.ExecuteAsync(Db, "DROP TABLE IF EXISTS orders_up; CREATE TABLE orders_up AS SELECT * FROM orders_psql; ALTER TABLE orders_up ADD PRIMARY KEY (order_id)");
            await server.ExecuteAsync(Db, "VACUUM ANALYZE orders_up");
            return await Measure.SluiceAsync(dll, upsertPipeline, "load", server);
        }));
    await upsertSides.RunAsync(repeats, Say);
    Check(await server.CountAsync(Db, "orders_up") == rows + (upsertRows / 2), "upsert left a wrong row count");
}

// 4. Memory: peak RSS of the sluice process at two sizes.
// DuckDB (the dataset writer, the CSV reader) holds up to its memory limit (2GB by default) before it
// spills, so RSS is bounded by that limit rather than by the data; a 128MB limit (the CSV reader needs about 64MB) shows the bound.
const string Limit = "128MB";
Dictionary<string, (SluiceRun Default, SluiceRun Limited)>? memory = null;
if (options.Runs("memory"))
{
    await server.ExecuteAsync(Db, $"TRUNCATE orders_small; INSERT INTO orders_small SELECT * FROM orders_psql WHERE order_id < {smallRows}");
    memory = [];
    foreach (var (name, pipeline, task) in new[]
    {
        ($"load (CSV -> Parquet -> COPY) | {smallRows:N0}", load.LoadPipeline("load_small", small, "orders_small", "replace"), "load"),
        ($"load (CSV -> Parquet -> COPY) | {rows:N0}", load.LoadPipeline("load_big_replace", big, "orders_sluice", "replace"), "load"),
        ($"extract (table -> Parquet) | {smallRows:N0}", load.ExtractPipeline("extract_small", "orders_small"), "extract"),
        ($"extract (table -> Parquet) | {rows:N0}", load.ExtractPipeline("extract_big", "orders_psql"), "extract"),
    })
    {
        memory[name] = (await Measure.SluiceAsync(sluice, pipeline, task, server), await Measure.SluiceAsync(sluice, pipeline, task, server, Limit));
    }

    Say("memory runs done");
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# PostgreSQL connector bench (issues #3, #10), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/Sluice.Bench.Postgres -- {string.Join(' ', args)}`");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, shared with other agents; load average (1/5/15 min) {loadAverageBefore} before, {Measure.LoadAverage()} after. PostgreSQL {server.Version} on 127.0.0.1. Medians of {repeats}, sides in rotating order; every ratio is the baseline's median process time over the side's median, both measured in the same run (above 1: faster than the baseline). The sluice sides run `dotnet sluice.dll run` as a child process: process = the whole process (start-up, validation, every task), task = the named task's own time from the run record.");
foreach (var (title, sides, baseline) in new[]
{
    ($"Load CSV -> PostgreSQL ({rows:N0} rows; sluice: files source stages the CSV as Parquet, then task `load` COPYs it)", loadSides, "psql \\copy FROM CSV"),
    ($"Extract PostgreSQL -> staged Parquet ({rows:N0} rows; task `extract`)", extractSides, "psql COPY TO STDOUT"),
    ($"Upsert {upsertRows:N0} rows (50% new, 50% changed) into {rows:N0} rows with a primary key", upsertSides, "plain COPY of the same rows"),
})
{
    if (sides is not null)
    {
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        report.AppendLine();
        sides.Report(report, baseline, rows);
    }
}

if (memory is not null)
{
    report.AppendLine();
    report.AppendLine("## Peak RSS of the sluice process (GNU time %M)");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"| pipeline | rows | peak RSS MiB, default DuckDB limit (2GB) | peak RSS MiB, SLUICE_DUCKDB_MEMORY_LIMIT={Limit} |");
    report.AppendLine("|---|---:|---:|---:|");
    foreach (var (name, (full, limited)) in memory)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {full.PeakRssMiB:0} | {limited.PeakRssMiB:0} |");
    }
}

var results = Path.Combine(repo, "bench", "results");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"issue10-postgres-{DateTime.UtcNow:yyyy-MM-dd}.md");
File.WriteAllText(file, report.ToString());
Console.WriteLine(report);
Say($"wrote {file}");
await server.ExecuteAsync(server.Env["SLUICE_TEST_PG_DATABASE"], $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");

// The baseline first, then this build's sluice, then (with --before) the older build's.
List<(string, Func<Task<SluiceRun>>)> SluiceSides((string, Func<Task<SluiceRun>>) baseline, Func<string, Func<Task<SluiceRun>>> side)
{
    var list = new List<(string, Func<Task<SluiceRun>>)> { baseline, ("sluice", side(sluice)) };
    if (options.Before is { } before)
    {
        list.Add(("sluice before", side(Path.Combine(before, "sluice.dll"))));
    }

    return list;
}

static SluiceRun Psql(TimeSpan wall) => new(wall.TotalSeconds, wall.TotalSeconds, 0);

static void Check(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run the bench from inside the repository (Sluice.slnx not found above it)");
}
