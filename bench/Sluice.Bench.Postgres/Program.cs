using System.Globalization;
using System.Text;
using Sluice.Bench.Postgres;

// PostgreSQL connector bench (issue #3): load, extract and upsert through sluice against psql's
// \copy on the same server in the same run; medians of 3 in alternating order; peak RSS at two sizes.
// Usage: sluice-bench-postgres [rows=5000000] [upsert_rows=1000000] [small_rows=1000000]
var culture = CultureInfo.InvariantCulture;
var rows = args.Length > 0 ? long.Parse(args[0], culture) : 5_000_000;
var upsertRows = args.Length > 1 ? long.Parse(args[1], culture) : 1_000_000;
var smallRows = args.Length > 2 ? long.Parse(args[2], culture) : 1_000_000;
const int Repeats = 3;

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

// 1. Load: CSV -> PostgreSQL. Sluice's number is its load task (reading the staged dataset, binary COPY, commit).
var loadPipeline = load.LoadPipeline("load_big", big, "orders_sluice", "append");
var psqlLoad = new List<double>();
var sluiceLoad = new List<SluiceRun>();
for (var rep = 0; rep < Repeats; rep++)
{
    foreach (var side in rep % 2 == 0 ? new[] { "psql", "sluice" } : ["sluice", "psql"])
    {
        if (side == "psql")
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_psql");
            psqlLoad.Add((await server.PsqlAsync(Db, $"\\copy orders_psql FROM '{big}' CSV HEADER")).TotalSeconds);
        }
        else
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_sluice");
            sluiceLoad.Add(await Measure.SluiceAsync(sluice, loadPipeline, "load", server));
        }

        Say($"load {side} rep {rep + 1}: psql {string.Join(", ", psqlLoad.Select(s => s.ToString("0.0", culture)))} / sluice {string.Join(", ", sluiceLoad.Select(s => s.TaskSeconds.ToString("0.0", culture)))}");
    }
}

Check(await server.CountAsync(Db, "orders_sluice") == rows, "sluice loaded a wrong row count");

// 2. Extract: PostgreSQL -> staged dataset (sluice) vs -> CSV file (psql).
var extractPipeline = load.ExtractPipeline("extract_big", "orders_psql");
var psqlExtract = new List<double>();
var sluiceExtract = new List<SluiceRun>();
var outCsv = Path.Combine(work, "extract_out.csv");
for (var rep = 0; rep < Repeats; rep++)
{
    foreach (var side in rep % 2 == 0 ? new[] { "psql", "sluice" } : ["sluice", "psql"])
    {
        if (side == "psql")
        {
            psqlExtract.Add((await server.PsqlAsync(Db, $"\\copy (SELECT * FROM orders_psql) TO '{outCsv}' CSV HEADER")).TotalSeconds);
            File.Delete(outCsv);
        }
        else
        {
            sluiceExtract.Add(await Measure.SluiceAsync(sluice, extractPipeline, "extract", server));
        }

        Say($"extract {side} rep {rep + 1}");
    }
}

// 3. Upsert: 1M rows, half changed and half new, into a 5M-row table with a primary key; baseline is a plain COPY of the same rows.
var upsertPipeline = load.LoadPipeline("upsert", changes, "orders_up", "upsert");
var plainCopy = new List<double>();
var sluiceUpsert = new List<SluiceRun>();
for (var rep = 0; rep < Repeats; rep++)
{
    foreach (var side in rep % 2 == 0 ? new[] { "copy", "upsert" } : ["upsert", "copy"])
    {
        if (side == "copy")
        {
            await server.ExecuteAsync(Db, "TRUNCATE orders_copy");
            plainCopy.Add((await server.PsqlAsync(Db, $"\\copy orders_copy FROM '{changes}' CSV HEADER")).TotalSeconds);
        }
        else
        {
            await server.ExecuteAsync(Db, "DROP TABLE IF EXISTS orders_up; CREATE TABLE orders_up AS SELECT * FROM orders_psql; ALTER TABLE orders_up ADD PRIMARY KEY (order_id)");
            await server.ExecuteAsync(Db, "VACUUM ANALYZE orders_up");
            sluiceUpsert.Add(await Measure.SluiceAsync(sluice, upsertPipeline, "load", server));
        }

        Say($"upsert {side} rep {rep + 1}");
    }
}

Check(await server.CountAsync(Db, "orders_up") == rows + (upsertRows / 2), "upsert left a wrong row count");

// 4. Memory: peak RSS of the sluice process at two sizes.
await server.ExecuteAsync(Db, $"TRUNCATE orders_small; INSERT INTO orders_small SELECT * FROM orders_psql WHERE order_id < {smallRows}");
// DuckDB (the dataset writer, the CSV reader) holds up to its memory limit (2GB by default) before it
// spills, so RSS is bounded by that limit rather than by the data; a 128MB limit (the CSV reader needs about 64MB) shows the bound.
const string Limit = "128MB";
var smallLoad = await Measure.SluiceAsync(sluice, load.LoadPipeline("load_small", small, "orders_small", "replace"), "load", server);
var smallExtract = await Measure.SluiceAsync(sluice, load.ExtractPipeline("extract_small", "orders_small"), "extract", server);
var limited = new Dictionary<string, SluiceRun>
{
    ["load small"] = await Measure.SluiceAsync(sluice, load.LoadPipeline("load_small", small, "orders_small", "replace"), "load", server, Limit),
    ["load big"] = await Measure.SluiceAsync(sluice, load.LoadPipeline("load_big_replace", big, "orders_sluice", "replace"), "load", server, Limit),
    ["extract small"] = await Measure.SluiceAsync(sluice, load.ExtractPipeline("extract_small", "orders_small"), "extract", server, Limit),
    ["extract big"] = await Measure.SluiceAsync(sluice, load.ExtractPipeline("extract_big", "orders_psql"), "extract", server, Limit),
};
Say("memory runs done");

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# Issue #3 PostgreSQL connector bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, shared and noisy (other engineers were building at the same time); load average {loadAverageBefore} before, {Measure.LoadAverage()} after. PostgreSQL {server.Version} on 127.0.0.1 (throwaway cluster from scripts/services/postgres.sh: fsync=off, wal_level=logical). Medians of {Repeats}, alternating order; baselines measured in the same run.");
report.AppendLine();
report.AppendLine("| scenario | rows | baseline | baseline s | sluice task s | ratio (baseline/sluice task) | sluice process s | ratio (end to end) |");
report.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
Row("load CSV -> PostgreSQL", rows, "psql \\copy FROM CSV", psqlLoad, sluiceLoad);
Row("extract PostgreSQL -> staged Parquet", rows, "psql \\copy (SELECT) TO CSV", psqlExtract, sluiceExtract);
Row("upsert 50% new / 50% changed into 5M rows", upsertRows, "plain COPY of the same rows", plainCopy, sluiceUpsert);
report.AppendLine();
report.AppendLine("Peak RSS of the sluice process (GNU time %M):");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"| pipeline | rows | peak RSS MiB, default DuckDB limit (2GB) | peak RSS MiB, SLUICE_DUCKDB_MEMORY_LIMIT={Limit} |");
report.AppendLine("|---|---:|---:|---:|");
report.AppendLine(CultureInfo.InvariantCulture, $"| load (CSV -> Parquet -> COPY) | {smallRows:N0} | {smallLoad.PeakRssMiB:0} | {limited["load small"].PeakRssMiB:0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| load (CSV -> Parquet -> COPY) | {rows:N0} | {sluiceLoad.Max(r => r.PeakRssMiB):0} | {limited["load big"].PeakRssMiB:0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| extract (table -> Parquet) | {smallRows:N0} | {smallExtract.PeakRssMiB:0} | {limited["extract small"].PeakRssMiB:0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| extract (table -> Parquet) | {rows:N0} | {sluiceExtract.Max(r => r.PeakRssMiB):0} | {limited["extract big"].PeakRssMiB:0} |");
report.AppendLine();
report.AppendLine("Raw seconds (baseline; sluice task; sluice process):");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- load: {Join(psqlLoad)}; {Join(sluiceLoad.Select(r => r.TaskSeconds))}; {Join(sluiceLoad.Select(r => r.WallSeconds))}");
report.AppendLine(CultureInfo.InvariantCulture, $"- extract: {Join(psqlExtract)}; {Join(sluiceExtract.Select(r => r.TaskSeconds))}; {Join(sluiceExtract.Select(r => r.WallSeconds))}");
report.AppendLine(CultureInfo.InvariantCulture, $"- upsert: {Join(plainCopy)}; {Join(sluiceUpsert.Select(r => r.TaskSeconds))}; {Join(sluiceUpsert.Select(r => r.WallSeconds))}");
var results = Path.Combine(repo, "bench", "results");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"issue3-postgres-{DateTime.UtcNow:yyyy-MM-dd}.md");
File.WriteAllText(file, report.ToString());
Console.WriteLine(report);
Say($"wrote {file}");
await server.ExecuteAsync(server.Env["SLUICE_TEST_PG_DATABASE"], $"DROP DATABASE IF EXISTS {Db} WITH (FORCE)");

void Row(string scenario, long count, string baseline, List<double> baseSeconds, List<SluiceRun> runs)
{
    var b = Measure.Median(baseSeconds);
    var task = Measure.Median(runs.Select(r => r.TaskSeconds));
    var wall = Measure.Median(runs.Select(r => r.WallSeconds));
    report.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {count:N0} | {baseline} | {b:0.0} | {task:0.0} | {b / task:0.00} | {wall:0.0} | {b / wall:0.00} |");
}

static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));

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
