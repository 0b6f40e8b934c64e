using Npgsql;
using Sluice.Connectors.All;
using Sluice.Templating;
using Sluice.Testing;
using Sluice.Validation;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>A source whose wal_level is not logical (a real server started with replica): setup and run each stop with the fix, and create nothing.</summary>
public sealed class WalLevelTests
{
    [Fact]
    public async Task Setup_and_run_against_a_server_with_wal_level_replica_name_the_setting_and_the_restart_and_create_nothing()
    {
        await using var server = await ReplicaOnlyServer.StartAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(MirrorTests.Shop, connection);
            await create.ExecuteNonQueryAsync();
        }

        using var project = new TestProject();
        Environment.SetEnvironmentVariable("SLUICE_TEST_REPLICA_PG_PASSWORD", "replica-only-test");
        project.Write("connections.yaml", $$"""
            connections:
              shop: { type: postgres, host: 127.0.0.1, port: {{server.Port}}, database: postgres, username: sluice_test, password: "${SLUICE_TEST_REPLICA_PG_PASSWORD}", sslmode: disable }
            """);
        project.Write("shop_cdc.yaml", """
            name: shop_cdc
            tasks:
              mirror:
                source: postgres_cdc
                output: shop_changes
                with: { connection: shop, target: shop, tables: [public.customers], target_schema: mirror }
            """);
        var pipeline = PipelineLoader.LoadValid(project.PathOf("shop_cdc.yaml"), BuiltInConnectors.Catalog());
        var settings = CdcTasks.Settings(pipeline, pipeline.Tasks[0], BuiltInConnectors.Catalog(), project.PathOf("scratch"), new SecretMasker());

        var setup = await Assert.ThrowsAsync<NonRetryableException>(() => CdcSetup.SetupAsync(settings, "shop_cdc", _ => { }, CancellationToken.None));
        var run = await Assert.ThrowsAsync<NonRetryableException>(() => CdcStreamer.RunAsync(settings, "shop_cdc", bounded: true, _ => { }, null, CancellationToken.None));

        foreach (var error in new[] { setup, run })
        {
            Assert.Contains($"database 'postgres'", error.Message, StringComparison.Ordinal);
            Assert.Contains("wal_level is 'replica', and change data capture needs 'logical'. Run ALTER SYSTEM SET wal_level = logical", error.Message, StringComparison.Ordinal);
            Assert.Contains("and restart the server.", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("replica-only-test", error.Message, StringComparison.Ordinal);
        }

        await using var check = new NpgsqlConnection(server.ConnectionString());
        await check.OpenAsync();
        await using var nothing = new NpgsqlCommand("SELECT (SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_namespace WHERE nspname = 'mirror')", check);
        Assert.Equal(0L, (long)(await nothing.ExecuteScalarAsync())!);
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM customers", check);
        Assert.Equal(50L, (long)(await rows.ExecuteScalarAsync())!);
    }
}
