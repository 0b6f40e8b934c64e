using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sluice.Events;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// What a CDC stream tells the event log while it runs: the slot's lag every <see cref="LagEvery"/>
/// (<see cref="EventTypes.CdcLag"/>, which the metrics turn into gauges) and a source table's schema
/// drift (<see cref="EventTypes.ContractDrift"/>, which the alert router turns into an alert). It also
/// keeps the commit times of source transactions received but not yet in the target, for lag in seconds.
/// </summary>
internal sealed class CdcEvents(Action<string, JsonObject> emit, TimeProvider time)
{
    private readonly ConcurrentQueue<DateTime> _pending = new();

    /// <summary>How often the slot's lag is sampled while streaming; once more when the stream ends.</summary>
    public TimeSpan LagEvery { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time => time;

    /// <summary>A source transaction began arriving (its commit time, from the stream).</summary>
    public void Received(DateTime commitAt) => _pending.Enqueue(commitAt);

    /// <summary>The target committed (or skipped as already applied) this many source transactions, oldest first.</summary>
    public void Applied(long transactions)
    {
        for (var i = 0; i < transactions && _pending.TryDequeue(out _); i++)
        {
        }
    }

    /// <summary>Seconds since the oldest source transaction received but not yet in the target committed; 0 when caught up.</summary>
    public double LagSeconds() =>
        _pending.TryPeek(out var oldest) ? Math.Max(0, (time.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(oldest, DateTimeKind.Utc)).TotalSeconds) : 0;

    public void Lag(CdcSettings settings, SlotState slot, string applied, bool final) => emit(EventTypes.CdcLag, new JsonObject
    {
        ["slot"] = slot.Name,
        ["publication"] = settings.Publication,
        ["retained_bytes"] = slot.RetainedBytes,
        ["lag_bytes"] = slot.LagBytes,
        ["lag_seconds"] = Math.Round(LagSeconds(), 3),
        ["applied_lsn"] = applied,
        ["final"] = final,
    });

    /// <summary>
    /// Columns a source table gained mid-stream, as a contract_drift event: an error when the policy
    /// stops the stream (with the fix), info when the mirror evolved to follow it.
    /// </summary>
    public void Drift(string sourceTable, string mirrorTable, IReadOnlyList<(string Name, string Type)> added, bool evolved, string summary) => emit(EventTypes.ContractDrift, new JsonObject
    {
        ["dataset"] = mirrorTable,
        ["source_table"] = sourceTable,
        ["added"] = new JsonArray(added.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type }).ToArray()),
        ["removed"] = new JsonArray(),
        ["retyped"] = new JsonArray(),
        ["renamed"] = new JsonArray(),
        ["always_null"] = new JsonArray(),
        ["summary"] = summary,
        ["policy"] = evolved ? "evolve" : "fail",
        ["severity"] = evolved ? "info" : "error",
    });
}
