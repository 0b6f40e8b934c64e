using System.Diagnostics;
using Npgsql;

namespace Sluice.Bench.Cdc;

/// <summary>
/// The source's write load: transactions of <see cref="ChangesPerTransaction"/> changes (two inserts,
/// two updates of recent rows, one delete of the oldest row), started on a fixed schedule so the
/// offered rate is constant, spread over a few connections so one round trip never caps the rate.
/// Each transaction is one round trip (an implicit-transaction batch) that also reads the server's
/// clock just before its commit: the time the lag is measured from.
/// </summary>
internal sealed class LoadWriter(string connectionString, int connections)
{
    public const int ChangesPerTransaction = 5;

    public const string Schema = """
        CREATE TABLE bench_rows (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2) NOT NULL, note text, written_at timestamptz NOT NULL DEFAULT clock_timestamp());
        INSERT INTO bench_rows (id, account, amount, note) SELECT g, g % 1000, g * 0.01, 'seed ' || g FROM generate_series(1, 100000) g;
        """;

    private long _nextId = 100_001;
    private long _nextDelete = 1;

    /// <summary>One committed transaction: its server time just before commit, and the rows it changed.</summary>
    public readonly record struct Committed(DateTime At, int Changes);

    /// <summary>
    /// Writes at <paramref name="rate"/> changes per second (0: as fast as the connections go) for
    /// <paramref name="duration"/>; returns every committed transaction, in no particular order.
    /// </summary>
    public async Task<List<Committed>> RunAsync(int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var interval = rate > 0 ? TimeSpan.FromSeconds((double)ChangesPerTransaction / rate) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        long slot = -1;
        var results = new List<Committed>[connections];
        var workers = Enumerable.Range(0, connections).Select(async w =>
        {
            var mine = results[w] = [];
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var random = new Random(w);
            while (true)
            {
                var k = Interlocked.Increment(ref slot);
                var due = interval * k;
                if (due >= duration || clock.Elapsed >= duration)
                {
                    return;
                }

                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }

                mine.Add(await TransactionAsync(connection, random, cancellationToken));
            }
        }).ToList();
        await Task.WhenAll(workers);
        return results.SelectMany(r => r).ToList();
    }

    private async Task<Committed> TransactionAsync(NpgsqlConnection connection, Random random, CancellationToken cancellationToken)
    {
        var first = Interlocked.Add(ref _nextId, 2) - 2;
        var newest = first - 1;
        var doomed = Interlocked.Increment(ref _nextDelete) - 1;
        // Updates hit recent rows (the last 50,000 inserted), as an OLTP workload mostly does.
        var updated = new[] { newest - random.Next(1, 50_000), newest - random.Next(1, 50_000) };
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("INSERT INTO bench_rows (id, account, amount, note) SELECT g, g % 1000, g * 0.01, 'new' FROM generate_series($1::bigint, $1::bigint + 1) g") { Parameters = { new() { Value = first } } },
                new("UPDATE bench_rows SET amount = amount + 1, note = 'updated', written_at = clock_timestamp() WHERE id = ANY($1)") { Parameters = { new() { Value = updated } } },
                new("DELETE FROM bench_rows WHERE id = $1") { Parameters = { new() { Value = doomed } } },
                new("SELECT clock_timestamp()"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var at = reader.GetDateTime(0);
        await reader.CloseAsync();
        var changes = Math.Max(0, batch.BatchCommands[0].RecordsAffected) + Math.Max(0, batch.BatchCommands[1].RecordsAffected) + Math.Max(0, batch.BatchCommands[2].RecordsAffected);
        return new Committed(at, changes);
    }
}
