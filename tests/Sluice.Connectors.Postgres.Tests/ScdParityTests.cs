using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// The same days loaded by one pipeline into the DuckDB warehouse and into PostgreSQL give the same
/// dimension: scd2 (changes, deletes, reruns, a late correction, a same-day correction) and scd1.
/// </summary>
public sealed class ScdParityTests : IAsyncLifetime
{
    // Plain SQL both databases run alike. Surrogate keys are compared by rank: DuckDB's start at 0, PostgreSQL's identity at 1.
    private const string Scd2Rows = """
        SELECT concat_ws('|', coalesce(customer_id, 'NULL'), coalesce(name, 'NULL'), coalesce(city, 'NULL'), CAST(valid_from AS VARCHAR),
                         coalesce(CAST(valid_to AS VARCHAR), 'NULL'), CAST(is_current AS VARCHAR), CAST(rank() OVER (ORDER BY sk) AS VARCHAR))
        FROM dim_customer ORDER BY sk
        """;

    private const string Scd1Rows = "SELECT concat_ws('|', customer_id, name, city) FROM customers ORDER BY customer_id";

    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        _project.Write("pipeline.yaml", """
            name: both
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
              history_duckdb:
                sink: duckdb
                input: raw
                with: { database: wh.duckdb, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true }
              history_postgres:
                sink: postgres
                input: raw
                with: { connection: wh, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true }
              latest_duckdb: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: customers, mode: scd1, key: customer_id } }
              latest_postgres: { sink: postgres, input: raw, with: { connection: wh, table: customers, mode: scd1, key: customer_id } }
            """);
    }

    [Fact]
    public async Task The_same_days_give_the_same_scd2_and_scd1_tables_in_DuckDB_and_PostgreSQL()
    {
        (string Day, string Rows)[] days =
        [
            ("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\nC3,Cid,Oslo\n"),
            ("2024-03-02", "C1,Ann,Lyon\nC2,Bobby,Rome\nC4,Dan,Kyiv\n"),  // change, untracked change, delete, new key
            ("2024-03-02", "C1,Ann,Lyon\nC2,Bobby,Rome\nC4,Dan,Kyiv\n"),  // rerun
            ("2024-03-05", "C1,Ann,Nice\nC2,Bob,Rome\nC3,Cid,Oslo\nC4,Dan,Kyiv\n"),
            ("2024-03-03", "C1,Ann,Turin\nC2,Bob,Rome\nC4,Dan,Kyiv\nC5,Eve,Riga\n"),  // late correction and a late new key
            ("2024-03-05", "C1,Ann,Genoa\nC2,Bob,Rome\nC3,Cid,Oslo\nC4,Dan,Kyiv\n"),  // same-day correction
        ];
        var step = 0;
        foreach (var (day, rows) in days)
        {
            _project.Write($"in/customers_{day}.csv", "customer_id,name,city\n" + rows);
            await _project.RunOkAsync(day);
            step++;
            Assert.Equal(DuckDbRows(Scd2Rows), await PostgresRowsAsync(Scd2Rows));
            Assert.Equal(DuckDbRows(Scd1Rows), await PostgresRowsAsync(Scd1Rows));
        }

        Assert.Equal(6, step);
        // And the history is the one the docs describe, not just the same wrong one twice.
        Assert.Contains("C1|Ann|Turin|2024-03-03|2024-03-05|false|", await PostgresRowsAsync(Scd2Rows));
        Assert.Contains("C1|Ann|Genoa", await PostgresRowsAsync(Scd1Rows));
    }

    private async Task<string> PostgresRowsAsync(string sql) => string.Join('\n', (await _db.QueryAsync(sql)).Select(r => (string)r[0]!));

    private string DuckDbRows(string sql) => string.Join('\n', StagedFile.Query(sql, _project.PathOf("wh.duckdb")).Select(r => (string)r[0]!));

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
