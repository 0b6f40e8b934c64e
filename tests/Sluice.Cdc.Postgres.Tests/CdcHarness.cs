using Npgsql;
using Sluice.Connectors.All;
using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Testing;
using Sluice.Validation;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>
/// A source and a target database on the test server, a project whose pipeline has one
/// <c>postgres_cdc</c> task between them, and cleanup that drops the task's slot first (a database
/// with a replication slot cannot be dropped, and slots are few on the shared server).
/// </summary>
internal sealed class CdcHarness : IAsyncDisposable
{
    private CdcHarness(PgDatabase source, PgDatabase target, TestProject project)
    {
        Source = source;
        Target = target;
        Project = project;
    }

    public PgDatabase Source { get; }

    public PgDatabase Target { get; }

    public TestProject Project { get; }

    public string Slot => CdcSettings.DerivedName("shop_cdc", "mirror_" + Source.Name);

    public static async Task<CdcHarness> CreateAsync(string sourceSql, string tables = "[public.customers, public.orders]", string extraOptions = "")
    {
        var harness = new CdcHarness(await PgDatabase.CreateAsync(), await PgDatabase.CreateAsync(), new TestProject());
        await harness.Source.ExecuteAsync(sourceSql);
        var connections = harness.Source.ConnectionsYaml("shop") + "\n" + string.Join('\n', harness.Target.ConnectionsYaml("mirror").Split('\n').Skip(1));
        harness.Project.Write("connections.yaml", connections);
        harness.Project.Write("shop_cdc.yaml", $"""
            name: shop_cdc
            tasks:
              mirror_{harness.Source.Name}:
                source: postgres_cdc
                output: shop_changes
                with:
                  connection: shop
                  target: mirror
                  tables: {tables}
                  target_schema: mirror{extraOptions}
            """);
        return harness;
    }

    public PipelineDefinition Pipeline => PipelineLoader.LoadValid(Project.PathOf("shop_cdc.yaml"), BuiltInConnectors.Catalog());

    public CdcSettings Settings()
    {
        var pipeline = Pipeline;
        return CdcTasks.Settings(pipeline, pipeline.Tasks[0], BuiltInConnectors.Catalog(), Project.PathOf("scratch"), new SecretMasker());
    }

    public Task<CdcSetup.Result> SetupAsync() => CdcSetup.SetupAsync(Settings(), "shop_cdc", _ => { }, CancellationToken.None);

    public Task<CdcStreamer.Result> DrainAsync(CdcEvents? events = null) => CdcStreamer.RunAsync(Settings(), "shop_cdc", bounded: true, _ => { }, null, CancellationToken.None, events);

    /// <summary>Source and mirror hold the same rows (compared as sorted row texts).</summary>
    public async Task AssertMirroredAsync(params string[] tables)
    {
        foreach (var table in tables)
        {
            var expected = await Source.SnapshotAsync($"public.{table}");
            Assert.Equal(expected, await Target.SnapshotAsync($"mirror.{table}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = await Source.OpenAsync())
        {
            await using var drop = new NpgsqlCommand(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", connection)
            {
                Parameters = { new() { Value = Slot } },
            };
            await drop.ExecuteNonQueryAsync();
            for (var attempt = 0; attempt < 50; attempt++)
            {
                await using var remove = new NpgsqlCommand("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", connection)
                {
                    Parameters = { new() { Value = Slot } },
                };
                await remove.ExecuteNonQueryAsync();
                await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", connection) { Parameters = { new() { Value = Slot } } };
                if ((long)(await left.ExecuteScalarAsync())! == 0)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        await Source.DisposeAsync();
        await Target.DisposeAsync();
        Project.Dispose();
    }
}
