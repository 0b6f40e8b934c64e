using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Sluice.Connectors.MySql;
using Sluice.Engine.DuckDb;

// Sink throughput of sink: mysql's load path (MySqlBulkCopy fed from the staged Parquet through
// DuckDB, in one transaction) and of batched multi-row INSERTs, each as a ratio to the `mariadb`
// CLI's LOAD DATA LOCAL INFILE of the same rows as CSV, measured in the same run (medians).
// Needs the server of scripts/services/mariadb.sh (SLUICE_TEST_MYSQL_* set). See README.md.
var rows = Arg("--rows", 500_000);
var repeat = Arg("--repeat", 3);
var work = Path.Combine(Path.GetTempPath(), "sluice-bench-mysql");
Directory.CreateDirectory(work);
var csv = Path.Combine(work, "orders.csv");
var parquet = Path.Combine(work, "orders.parquet");
await Data.GenerateAsync(rows, csv, parquet);

var server = new Server();
var results = new Dictionary<string, List<double>> { ["cli LOAD DATA"] = [], ["sluice bulk copy"] = [], ["batched INSERT"] = [] };
for (var run = 1; run <= repeat; run++)
{
    results["cli LOAD DATA"].Add(await server.TimedAsync(() => server.CliLoadAsync(csv)));
    results["sluice bulk copy"].Add(await server.TimedAsync(() => server.BulkCopyAsync(parquet)));
    results["batched INSERT"].Add(await server.TimedAsync(() => server.InsertBatchesAsync(parquet)));
    Console.WriteLine($"run {run}: " + string.Join(", ", results.Select(r => $"{r.Key} {r.Value[^1]:0.00}s")));
}

var baseline = Median(results["cli LOAD DATA"]);
var table = new List<string>
{
    $"# sink: mysql throughput, {rows:N0} rows, median of {repeat} ({DateTime.UtcNow:yyyy-MM-dd}, load {File.ReadAllText("/proc/loadavg")[..14]})",
    string.Empty,
    "| load | median s | rows/s | time vs cli LOAD DATA |",
    "| --- | --- | --- | --- |",
};
table.AddRange(results.Select(r => $"| {r.Key} | {Median(r.Value):0.00} | {rows / Median(r.Value):N0} | {Median(r.Value) / baseline:0.00}x |"));
Console.WriteLine(string.Join('\n', table));
var resultsDirectory = Path.Combine(AppContext.BaseDirectory, "../../../../results");
File.WriteAllLines(Path.Combine(resultsDirectory, $"issue9-mysql-sink-{DateTime.UtcNow:yyyy-MM-dd}.md"), table);

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal static class Data
{
    /// <summary>The same rows as CSV (for the CLI) and as a staged Parquet dataset (for the sink paths).</summary>
    public static async Task GenerateAsync(int rows, string csv, string parquet)
    {
        await using var session = await DuckDbSession.OpenAsync();
        var select = $"""
            SELECT i AS id, 'customer-' || (i % 5000) AS customer, CAST((i % 100000) / 100.0 AS DECIMAL(12,2)) AS amount,
                   TIMESTAMP '2024-03-01' + INTERVAL (i) SECOND AS ordered_at, CAST(i % 3 = 0 AS INTEGER) AS paid, md5(CAST(i AS VARCHAR)) AS note
            FROM range({rows}) t(i)
            """;
        await session.ExecuteAsync($"COPY ({select}) TO '{csv}' (FORMAT csv, HEADER false)", [], CancellationToken.None);
        await session.ExecuteAsync($"COPY ({select}) TO '{parquet}' (FORMAT parquet)", [], CancellationToken.None);
    }
}

internal sealed class Server
{
    private const string Create = "CREATE TABLE orders (id BIGINT, customer LONGTEXT, amount DECIMAL(12,2), ordered_at DATETIME(6), paid INT, note LONGTEXT) ENGINE=InnoDB";
    private readonly string _host = Env("SLUICE_TEST_MYSQL_HOST");
    private readonly string _port = Env("SLUICE_TEST_MYSQL_PORT");
    private readonly string _user = Env("SLUICE_TEST_MYSQL_USER");
    private readonly string _password = Env("SLUICE_TEST_MYSQL_PASSWORD");
    private readonly string _database = Env("SLUICE_TEST_MYSQL_DATABASE");

    private string ConnectionString => new MySqlConnectionStringBuilder
    {
        Server = _host,
        Port = uint.Parse(_port, CultureInfo.InvariantCulture),
        UserID = _user,
        Password = _password,
        Database = _database,
        SslMode = MySqlSslMode.None,
        AllowLoadLocalInfile = true,
        DefaultCommandTimeout = 0,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Times one load into a fresh empty table, and checks every row arrived.</summary>
    public async Task<double> TimedAsync(Func<Task> load)
    {
        await ExecuteAsync("DROP TABLE IF EXISTS orders");
        await ExecuteAsync(Create);
        var watch = Stopwatch.StartNew();
        await load();
        var seconds = watch.Elapsed.TotalSeconds;
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new MySqlCommand("SELECT COUNT(*), SUM(amount) FROM orders", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"  {reader.GetInt64(0)} rows, sum(amount) {reader.GetDecimal(1)}");
        return seconds;
    }

    public async Task CliLoadAsync(string csv)
    {
        var info = new ProcessStartInfo("mariadb") { RedirectStandardError = true };
        foreach (var arg in new[] { "--no-defaults", "--local-infile=1", $"-h{_host}", $"-P{_port}", $"-u{_user}", _database, "-e",
            $"LOAD DATA LOCAL INFILE '{csv}' INTO TABLE orders FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["MYSQL_PWD"] = _password;
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("mariadb LOAD DATA failed: " + error);
        }
    }

    public async Task BulkCopyAsync(string parquet)
    {
        await using var input = await DatasetReader.OpenAsync(parquet);
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await BulkLoad.RunAsync(connection, transaction, "`orders`", input, "bench", CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>The alternative to bulk loading: 1,000-row INSERT ... VALUES statements with bound parameters, in one transaction.</summary>
    public async Task InsertBatchesAsync(string parquet)
    {
        const int batch = 1000;
        await using var input = await DatasetReader.OpenAsync(parquet);
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var width = input.Columns.Count;
        var values = new List<object?>(batch * width);
        async Task FlushAsync()
        {
            var count = values.Count / width;
            var tuples = string.Join(", ", Enumerable.Range(0, count).Select(r => "(" + string.Join(", ", Enumerable.Range(0, width).Select(c => $"@p{(r * width) + c}")) + ")"));
            await using var command = new MySqlCommand($"INSERT INTO orders VALUES {tuples}", connection, transaction);
            for (var i = 0; i < values.Count; i++)
            {
                command.Parameters.AddWithValue($"@p{i}", values[i] ?? DBNull.Value);
            }

            await command.ExecuteNonQueryAsync();
            values.Clear();
        }

        while (await input.Rows.ReadAsync())
        {
            for (var c = 0; c < width; c++)
            {
                values.Add(input.Rows.IsDBNull(c) ? null : input.Rows.GetValue(c));
            }

            if (values.Count == batch * width)
            {
                await FlushAsync();
            }
        }

        if (values.Count > 0)
        {
            await FlushAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: start the server with scripts/services/mariadb.sh first (see bench/README.md).");
}
