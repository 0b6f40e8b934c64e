using System.Net;
using System.Net.Sockets;
using Npgsql;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Postgres;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// The shared store behaviour on PostgreSQL (each test its own schema, each store its own pool), and
/// what only a server has: migrations that processes starting together do not race, any schema name,
/// and a clear message when the server cannot be reached.
/// </summary>
public sealed class PostgresMetadataStoreTests : MetadataStoreTests
{
    private readonly PgMetadataSchema _schema = new();

    protected override async Task<IMetadataStore> OpenAsync() => await _schema.OpenAsync();

    public override async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Processes_opening_a_new_schema_at_once_migrate_it_once()
    {
        var opening = Enumerable.Range(0, 6).Select(_ => Task.Run(() => _schema.OpenAsync())).ToList();

        var stores = await Task.WhenAll(opening);
        var versions = (int)await _schema.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema.Schema}\".schema_version");
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        // One row per migration: a second migrator would have failed on the primary key or added rows.
        Assert.Equal(PostgresSchema.Migrations.Count, versions);
    }

    [Fact]
    public async Task A_schema_name_that_needs_quoting_is_used_as_given()
    {
        var odd = _schema.Schema + "-Odd \"name\"";
        try
        {
            await using var store = await PostgresMetadataStore.OpenAsync(_schema.Settings(odd));
            var run = await store.StartRunAsync(Run(new DateOnly(2024, 3, 1)), CancellationToken.None);
            var events = await store.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(100), CancellationToken.None);

            Assert.Equal(run.Id, (await store.GetRunAsync(run.Id, CancellationToken.None))!.Id);
            Assert.False(events);
            Assert.Equal(1L, await _schema.ScalarAsync<long>($"SELECT count(*) FROM \"{odd.Replace("\"", "\"\"", StringComparison.Ordinal)}\".runs"));
        }
        finally
        {
            await using var connection = await _schema.ConnectAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{odd.Replace("\"", "\"\"", StringComparison.Ordinal)}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_schema_migrated_by_a_newer_sluice_is_refused_with_what_to_do()
    {
        await (await _schema.OpenAsync()).DisposeAsync();
        await using (var connection = await _schema.ConnectAsync())
        {
            await using var newer = new NpgsqlCommand($"INSERT INTO \"{_schema.Schema}\".schema_version (version) VALUES (99)", connection);
            await newer.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<SluiceException>(() => _schema.OpenAsync());

        Assert.Contains("schema version 99, newer than this Sluice knows", refused.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Sluice", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_by_host_and_port_and_the_password_never_shows()
    {
        var port = ClosedPort();
        var settings = PostgresMetadataSettings.Parse($"postgres://sluice:{PgMetadataSchema.Password}@127.0.0.1:{port}/meta?sslmode=disable", _ => null);

        var refused = await Assert.ThrowsAsync<MetadataStoreUnavailableException>(() => PostgresMetadataStore.OpenAsync(settings));

        Assert.StartsWith($"cannot reach the metadata store at 127.0.0.1:{port}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PgMetadataSchema.Password, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PgMetadataSchema.Password, settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_without_the_password()
    {
        var settings = PostgresMetadataSettings.Parse(_schema.Setting, name => name == PostgresMetadataSettings.PasswordVariable ? "not-the-password-42" : null);

        var refused = await Assert.ThrowsAsync<SluiceException>(() => PostgresMetadataStore.OpenAsync(settings));

        Assert.IsNotType<MetadataStoreUnavailableException>(refused);
        Assert.Contains("Check the user name and the password", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound, read, and released.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
