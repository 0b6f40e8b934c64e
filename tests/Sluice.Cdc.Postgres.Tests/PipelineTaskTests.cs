using DuckDB.NET.Data;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>The scheduled form: a pipeline run drains the slot once and publishes the changes as a dataset.</summary>
public sealed class PipelineTaskTests
{
    [Fact]
    public async Task A_run_applies_the_changes_and_publishes_them_as_debezium_like_events()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (51, 'new', NULL)");
        await cdc.Source.ExecuteAsync("UPDATE customers SET name = 'renamed' WHERE id = 2");
        await cdc.Source.ExecuteAsync("DELETE FROM orders WHERE id = 7");

        var run = await cdc.Project.RunAsync(cdc.Pipeline, "2024-03-01");

        Assert.True(run.Succeeded, string.Join("; ", run.Tasks.Select(t => t.Error)));
        await cdc.AssertMirroredAsync("customers", "orders");
        var events = Read(cdc.Project.Staged("shop_cdc", "2024-03-01", "shop_changes"));
        Assert.Equal(
            [
                "c|customers||{\"id\":\"51\",\"name\":\"new\",\"email\":null}",
                "u|customers||{\"id\":\"2\",\"name\":\"renamed\",\"email\":\"c2@example.com\"}",
                "d|orders|{\"id\":\"7\",\"customer_id\":null,\"amount\":null,\"placed_at\":null,\"note\":null}|",
            ],
            events.Select(e => e.Text).ToList());
        Assert.True(events.Select(e => e.Lsn).Distinct().Count() == 3 && events.All(e => e.Xid > 0 && e.CommitAt > DateTime.UtcNow.AddMinutes(-5)));

        var again = await cdc.Project.RunAsync(cdc.Pipeline, "2024-03-02");
        Assert.True(again.Succeeded);
        Assert.Empty(Read(cdc.Project.Staged("shop_cdc", "2024-03-02", "shop_changes")));
    }

    [Fact]
    public async Task An_append_sink_downstream_keeps_every_runs_changes_as_a_changelog_table()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        cdc.Project.Write("shop_cdc.yaml", File.ReadAllText(cdc.Project.PathOf("shop_cdc.yaml")) + """

              changelog:
                sink: postgres
                input: shop_changes
                on_empty: ok
                with: { connection: mirror, table: changelog, mode: append }
            """);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (51, 'new', NULL)");
        Assert.True((await cdc.Project.RunAsync(cdc.Pipeline, "2024-03-01")).Succeeded);
        await cdc.Source.ExecuteAsync("UPDATE customers SET name = 'renamed' WHERE id = 51; DELETE FROM orders WHERE id = 7");

        var second = await cdc.Project.RunAsync(cdc.Pipeline, "2024-03-02");

        Assert.True(second.Succeeded, string.Join("; ", second.Tasks.Select(t => t.Error)));
        var rows = await cdc.Target.QueryAsync("SELECT op, source_table, after::text, commit_lsn FROM changelog ORDER BY lsn");
        Assert.Equal(["c|customers", "u|customers", "d|orders"], rows.Select(r => $"{r[0]}|{r[1]}"));
        Assert.Contains("renamed", rows[1][2]!.ToString());
        Assert.Equal(2, rows.Select(r => r[3]).Distinct().Count()); // the update and the delete were one source transaction
    }

    private static List<(string Text, string Lsn, long Xid, DateTime CommitAt)> Read(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT op, source_table, coalesce(before::varchar, ''), coalesce(after::varchar, ''), commit_lsn, xid, commit_at FROM read_parquet('{path}') ORDER BY lsn";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long, DateTime)>();
        while (reader.Read())
        {
            rows.Add(($"{reader.GetString(0)}|{reader.GetString(1)}|{reader.GetString(2)}|{reader.GetString(3)}", reader.GetString(4), reader.GetInt64(5), reader.GetDateTime(6)));
        }

        return rows;
    }
}
