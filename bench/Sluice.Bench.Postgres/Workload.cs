using System.Globalization;
using DuckDB.NET.Data;

namespace Sluice.Bench.Postgres;

/// <summary>The order rows the bench moves: CSV files made by DuckDB, and the pipelines that move them.</summary>
internal sealed class Workload(string dir, BenchServer server, string database)
{
    public const string Columns = "order_id bigint, customer_id bigint, product_id integer, quantity integer, amount numeric(12,2), status text, order_ts timestamp, note text";

    private const string DatasetColumns =
        "{ order_id: BIGINT, customer_id: BIGINT, product_id: INTEGER, quantity: INTEGER, amount: 'DECIMAL(12,2)', status: VARCHAR, order_ts: TIMESTAMP, note: VARCHAR }";

    public string Dir => dir;

    /// <summary>Order rows [from, from + count); <paramref name="bump"/> changes the amounts, as an update would.</summary>
    public string Csv(string name, long from, long count, int bump = 0)
    {
        var path = Path.Combine(dir, name + ".csv");
        if (File.Exists(path))
        {
            return path;
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            COPY (SELECT range AS order_id, (range * 7919) % 1000000 AS customer_id, (range % 5000)::INTEGER AS product_id,
                         (1 + range % 9)::INTEGER AS quantity, ((range % 100000) / 100.0 + {bump})::DECIMAL(12,2) AS amount,
                         ['new', 'paid', 'shipped', 'returned'][1 + range % 4] AS status,
                         TIMESTAMP '2024-01-01' + to_seconds(range % 31536000) AS order_ts, 'note ' || (range % 1000) AS note
                  FROM range({from}, {from + count})) TO '{path}' (HEADER)
            """);
        command.ExecuteNonQuery();
        return path;
    }

    public void WriteConnections() => File.WriteAllText(Path.Combine(dir, "connections.yaml"), $"""
        connections:
          bench:
            type: postgres
            host: {server.Host}
            port: {server.Port}
            database: {database}
            username: {server.User}
            password: ${"{"}SLUICE_TEST_PG_PASSWORD{"}"}
            sslmode: disable
        """);

    /// <summary>CSV -> staged dataset -> PostgreSQL table, in the given mode.</summary>
    public string LoadPipeline(string name, string csv, string table, string mode) => Write(name, $$"""
        name: {{name}}
        defaults: { retries: 0, timeout: 2h }
        datasets:
          orders: { columns: {{DatasetColumns}} }
        tasks:
          extract: { source: files, output: orders, with: { path: '{{csv}}', format: csv } }
          load: { sink: postgres, input: orders, with: { connection: bench, table: {{table}}, mode: {{mode}}, key: order_id } }
        """);

    /// <summary>PostgreSQL table -> staged dataset.</summary>
    public string ExtractPipeline(string name, string table) => Write(name, $$"""
        name: {{name}}
        defaults: { retries: 0, timeout: 2h }
        tasks:
          extract: { source: postgres, output: orders, with: { connection: bench, table: {{table}} } }
        """);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
