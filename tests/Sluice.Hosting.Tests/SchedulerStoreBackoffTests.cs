using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Metadata.Postgres;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.Hosting.Tests;

/// <summary>
/// A scheduler started while its PostgreSQL metadata database is unreachable waits for it with
/// backoff, says so once naming host:port, and carries on when the store answers; one whose
/// database goes away later keeps ticking and carries on when it is back.
/// </summary>
public sealed class SchedulerStoreBackoffTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sluice-backoff-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task An_unreachable_metadata_database_is_waited_for_with_backoff_and_reported_once()
    {
        var port = ClosedPort();
        var down = new PostgresMetadataStoreProvider(PostgresMetadataSettings.Parse($"postgres://sluice@127.0.0.1:{port}/meta?sslmode=disable", _ => "not-shown-pw"));
        var store = new ComesBack(failures: 3, down, new SqliteMetadataStoreProvider(Path.Combine(_folder.FullName, "sluice.db")), _clock);
        var logger = new ListLogger();
        var options = Options.Create(new SluiceOptions { StateDirectory = _folder.FullName, PipelinesPath = _folder.FullName });
        using var service = new SchedulerService(new SluiceInstance(new ConnectorCatalog(), options, _clock, store), logger);

        await service.StartAsync(CancellationToken.None);
        await store.WaitForAttemptAsync(1, () => { });
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            // Nudge the fake clock in small steps until the service's backoff delay elapses and it tries again.
            await store.WaitForAttemptAsync(attempt, () => _clock.Advance(TimeSpan.FromMilliseconds(100)));
        }

        await logger.WaitForAsync("answers again", () => _clock.Advance(TimeSpan.FromMilliseconds(100)));
        await service.StopAsync(CancellationToken.None);

        var warnings = logger.Lines.Where(l => l.Level == LogLevel.Warning).ToList();
        var gaps = store.Attempts.Zip(store.Attempts.Skip(1), (a, b) => b - a).ToList();
        Assert.Contains($"cannot reach the metadata store at 127.0.0.1:{port}", Assert.Single(warnings).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains("not-shown-pw", StringComparison.Ordinal));
        Assert.True(gaps[0] >= TimeSpan.FromSeconds(1) && gaps[1] >= TimeSpan.FromSeconds(2) && gaps[2] >= TimeSpan.FromSeconds(4), string.Join(", ", gaps));
    }

    [Fact]
    public async Task A_metadata_database_that_goes_away_while_scheduling_is_retried_every_tick_and_reported_once()
    {
        using var relay = new TcpRelay(Environment.GetEnvironmentVariable("SLUICE_TEST_PG_HOST")!, int.Parse(Environment.GetEnvironmentVariable("SLUICE_TEST_PG_PORT")!, System.Globalization.CultureInfo.InvariantCulture));
        var schema = "sluice_tick_" + Guid.NewGuid().ToString("N")[..10];
        var settings = PostgresMetadataSettings.Parse(
            $"Host=127.0.0.1;Port={relay.Port};Database={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_DATABASE")};Username={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_USER")};SSL Mode=Disable;Schema={schema}",
            name => name == PostgresMetadataSettings.PasswordVariable ? Environment.GetEnvironmentVariable("SLUICE_TEST_PG_PASSWORD") : null);
        var logger = new ListLogger();
        var options = Options.Create(new SluiceOptions { StateDirectory = _folder.FullName, PipelinesPath = _folder.FullName, SchedulerTick = TimeSpan.FromSeconds(5) });
        using var service = new SchedulerService(new SluiceInstance(new ConnectorCatalog(), options, _clock, new PostgresMetadataStoreProvider(settings)), logger);
        try
        {
            await service.StartAsync(CancellationToken.None);
            await logger.WaitForAsync("scheduler serving", () => { });

            relay.Cut();
            await logger.WaitForAsync("a scheduler pass failed", () => _clock.Advance(TimeSpan.FromSeconds(1)));
            for (var tick = 0; tick < 5; tick++)
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                await Task.Delay(20);
            }

            relay.Resume();
            await logger.WaitForAsync("scheduler passes work again", () => _clock.Advance(TimeSpan.FromSeconds(1)));
            await service.StopAsync(CancellationToken.None);

            Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning);
            Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Error);
        }
        finally
        {
            await using var store = await PostgresMetadataStore.OpenAsync(PostgresMetadataSettings.Parse(
                $"Host={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_HOST")};Port={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_PORT")};Database={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_DATABASE")};Username={Environment.GetEnvironmentVariable("SLUICE_TEST_PG_USER")};SSL Mode=Disable;Schema={schema}",
                name => name == PostgresMetadataSettings.PasswordVariable ? Environment.GetEnvironmentVariable("SLUICE_TEST_PG_PASSWORD") : null));
            await using var connection = new Npgsql.NpgsqlConnection(store.Settings.Builder.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A real PostgreSQL address nothing listens on for the first tries, then a real SQLite store; records when each try came.</summary>
    private sealed class ComesBack(int failures, IMetadataStoreProvider down, IMetadataStoreProvider up, TimeProvider time) : IMetadataStoreProvider
    {
        private readonly List<DateTimeOffset> _attempts = [];

        public IReadOnlyList<DateTimeOffset> Attempts
        {
            get
            {
                lock (_attempts)
                {
                    return _attempts.ToList();
                }
            }
        }

        public string Description => down.Description;

        public Task<IMetadataStore> OpenAsync(TimeProvider clock, CancellationToken cancellationToken)
        {
            int count;
            lock (_attempts)
            {
                _attempts.Add(time.GetUtcNow());
                count = _attempts.Count;
            }

            return (count <= failures ? down : up).OpenAsync(clock, cancellationToken);
        }

        public async Task WaitForAttemptAsync(int attempt, Action nudge)
        {
            for (var i = 0; i < 600 && Attempts.Count < attempt; i++)
            {
                nudge();
                await Task.Delay(50);
            }

            Assert.True(Attempts.Count >= attempt, $"no attempt {attempt}; attempts at {string.Join(", ", Attempts)}");
        }
    }

    private sealed class ListLogger : ILogger<SchedulerService>
    {
        private readonly List<(LogLevel Level, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }

        public async Task WaitForAsync(string text, Action nudge)
        {
            for (var i = 0; i < 600 && !Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal)); i++)
            {
                nudge();
                await Task.Delay(50);
            }

            Assert.Contains(Lines, l => l.Message.Contains(text, StringComparison.Ordinal));
        }
    }
}
