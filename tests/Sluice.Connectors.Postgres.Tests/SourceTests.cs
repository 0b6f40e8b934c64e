using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Validation;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>Templated queries, secrets that never leak, and the source's errors.</summary>
public sealed class SourceTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        await _db.ExecuteAsync("""
            CREATE TABLE orders (id int, order_date date, region text, at timestamptz);
            INSERT INTO orders VALUES (1, '2024-03-01', 'eu', '2024-03-01 10:00+00'), (2, '2024-03-02', 'eu', '2024-03-02 10:00+00'), (3, '2024-03-02', 'us', '2024-03-02 23:30+00');
            """);
    }

    [Fact]
    public async Task Template_values_are_bound_as_parameters_not_pasted_into_the_sql()
    {
        _project.Write("pipeline.yaml", """
            name: p
            params: { region: "eu' OR 'x' = 'x" }
            tasks:
              by_day:
                source: postgres
                output: day
                with:
                  connection: wh
                  query: |
                    -- the interval's orders; a ' in a comment is not a string
                    SELECT id FROM orders
                    WHERE order_date = {{ ds }} AND at >= {{ data_interval_start }} AND at < {{ data_interval_end }}
              by_param:
                source: postgres
                output: param
                with: { connection: wh, query: "SELECT id FROM orders WHERE region = '{{ params.region }}'" }
            """);

        await _project.RunOkAsync("2024-03-02");

        Assert.Equal([2, 3], StagedIds("day"));
        // Pasted, the parameter would have matched every row; bound, it matches none.
        Assert.Empty(StagedFile.Query($"SELECT id FROM read_parquet('{_project.Staged("p", "2024-03-02", "param")}')"));
    }

    [Fact]
    public async Task A_query_that_fails_after_streaming_rows_fails_the_task_and_stages_nothing()
    {
        // The error comes from the server after thousands of rows have streamed out: the rows already
        // written must not pass as the dataset.
        _project.Write("pipeline.yaml", """
            name: p
            tasks:
              extract: { source: postgres, output: raw, with: { connection: wh, query: "SELECT g AS id, 1 / (g - 40000) AS ratio FROM generate_series(1, 60000) g" } }
            """);

        var result = await _project.RunAsync();

        Assert.False(result.Succeeded);
        Assert.Contains("division by zero", result.Run.Error);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_project.StateDirectory, "artifacts"), "*.parquet", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Interval_bounds_are_utc_for_timestamp_columns_whatever_the_server_time_zone()
    {
        // Servers often run in local time. A timestamp (without time zone) column holding UTC must
        // still split at UTC midnight, as {{ data_interval_start }} does in DuckDB.
        await _db.ExecuteAsync($"""
            ALTER DATABASE "{_db.Name}" SET timezone TO 'America/New_York';
            CREATE TABLE events (id int, at timestamp);
            INSERT INTO events VALUES (1, '2024-03-01 23:30'), (2, '2024-03-02 00:00'), (3, '2024-03-02 23:59:59'), (4, '2024-03-03 00:00');
            """);
        _project.Write("pipeline.yaml", """
            name: p
            tasks:
              day: { source: postgres, output: day, with: { connection: wh, query: "SELECT id FROM events WHERE at >= {{ data_interval_start }} AND at < {{ data_interval_end }}" } }
            """);

        await _project.RunOkAsync("2024-03-02");

        Assert.Equal([2, 3], StagedIds("day"));
    }

    [Fact]
    public async Task The_password_never_appears_in_logs_errors_or_the_run_record()
    {
        _project.Write("pipeline.yaml", """
            name: p
            defaults: { retries: 1, retry_delay: 0s }
            tasks:
              ok: { source: postgres, output: a, with: { connection: wh, query: "SELECT current_user AS who" } }
              bad: { source: postgres, output: b, with: { connection: wh, query: "SELECT no_such_column FROM orders" } }
              load: { sink: postgres, input: a, with: { connection: wh, table: who } }
            """);
        var lines = new RunLog();

        var result = await _project.RunAsync(observer: lines);

        Assert.False(result.Succeeded);
        Assert.Contains("task 'bad'", result.Run.Error);
        Assert.Contains("column \"no_such_column\" does not exist (42703)", result.Run.Error);
        Assert.Contains(lines.Lines, l => l.Contains("loaded 1 row(s) into public.who", StringComparison.Ordinal));
        var password = PgDatabase.Password;
        Assert.All(lines.Lines, l => Assert.DoesNotContain(password, l));
        Assert.DoesNotContain(password, result.Run.Error);
        Assert.All(result.Tasks, t => Assert.DoesNotContain(password, t.Error ?? string.Empty));
        var metadata = await File.ReadAllBytesAsync(_project.MetadataFile);
        Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(metadata));
        foreach (var wal in Directory.GetFiles(_project.StateDirectory, "sluice.db*"))
        {
            Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(wal)));
        }
    }

    [Fact]
    public async Task A_wrong_password_fails_at_once_without_echoing_it()
    {
        _project.Write("secrets.env", "WRONG_PG_PASSWORD=not-the-password-xyz\n");
        _project.Write("connections.yaml", _db.ConnectionsYaml().Replace("SLUICE_TEST_PG_PASSWORD", "WRONG_PG_PASSWORD", StringComparison.Ordinal));
        _project.Write("pipeline.yaml", "name: p\ndefaults: { retries: 3, retry_delay: 10s }\ntasks:\n  e: { source: postgres, output: a, with: { connection: wh, table: orders } }\n");
        var lines = new RunLog();

        var result = await _project.RunAsync(observer: lines);

        Assert.False(result.Succeeded);
        Assert.Contains("password authentication failed", result.Run.Error);
        Assert.Contains("Check the username and the password", result.Run.Error);
        Assert.Equal(1, result.Tasks.Single().TryNumber);
        Assert.DoesNotContain("not-the-password-xyz", result.Run.Error);
        Assert.All(lines.Lines, l => Assert.DoesNotContain("not-the-password-xyz", l));
    }

    [Fact]
    public void A_source_needs_exactly_one_of_query_or_table()
    {
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  e: { source: postgres, output: a, with: { connection: wh, table: orders, query: 'SELECT 1' } }\n");

        var error = Assert.Throws<PipelineValidationException>(() => PipelineLoader.LoadValid(_project.PathOf("pipeline.yaml"), Cli.SluiceHost.Catalog()));

        Assert.Contains(error.Errors, e => e.ToString().Contains("needs exactly one of 'query' or 'table'", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    /// <summary>The ids a task of pipeline 'p' staged for 2024-03-02, in order.</summary>
    private List<int> StagedIds(string dataset) =>
        StagedFile.Query($"SELECT id FROM read_parquet('{_project.Staged("p", "2024-03-02", dataset)}') ORDER BY id").Select(r => (int)r[0]!).ToList();
}
