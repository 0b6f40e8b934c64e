using Npgsql;

namespace Sluice.Bench.Cdc;

/// <summary>
/// Watches how far the target has applied: every few milliseconds it reads the source commit time
/// that the mirror's position row (mirror.sluice_cdc_state, written in the same target transaction as
/// the rows) holds, with the time of the look. A source transaction is applied at the first look that
/// shows a commit time at or past its own; its lag is that look's time minus its commit time. Both
/// times come from the one machine clock (source, target and bench share it).
/// </summary>
internal sealed class LagObserver(string targetConnectionString, string slot)
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(5);

    private readonly List<(DateTime At, DateTime AppliedThrough)> _looks = [];
    private readonly Lock _lock = new();

    /// <summary>(when looked, source commit time applied through), in order.</summary>
    public List<(DateTime At, DateTime AppliedThrough)> Looks
    {
        get
        {
            lock (_lock)
            {
                return [.. _looks];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(targetConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT source_commit_at FROM mirror.sluice_cdc_state WHERE slot = $1", connection) { Parameters = { new() { Value = slot } } };
        await command.PrepareAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            var value = await command.ExecuteScalarAsync(CancellationToken.None);
            var at = DateTime.UtcNow;
            if (value is DateTime through)
            {
                lock (_lock)
                {
                    _looks.Add((at, through.ToUniversalTime()));
                }
            }

            try
            {
                await Task.Delay(Every, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until the target has applied through <paramref name="commitAt"/>, or the timeout passes (false).</summary>
    public async Task<bool> WaitForAsync(DateTime commitAt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Looks is { Count: > 0 } looks && looks[^1].AppliedThrough >= commitAt)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>The time each commit was first seen applied (null: never), for commits sorted ascending.</summary>
    public List<DateTime?> AppliedTimes(IReadOnlyList<DateTime> sortedCommits)
    {
        var looks = Looks;
        var applied = new List<DateTime?>(sortedCommits.Count);
        var i = 0;
        foreach (var commit in sortedCommits)
        {
            while (i < looks.Count && looks[i].AppliedThrough < commit)
            {
                i++;
            }

            applied.Add(i < looks.Count ? looks[i].At : null);
        }

        return applied;
    }
}
