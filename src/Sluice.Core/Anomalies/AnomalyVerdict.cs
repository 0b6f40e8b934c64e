namespace Sluice.Anomalies;

/// <summary>
/// The judgement of one new value: inside or outside <see cref="Low"/>..<see cref="High"/>, computed from
/// <see cref="History"/> earlier intervals by <see cref="Method"/>. When there was too little history,
/// <see cref="NotEnoughHistory"/> says so and the value is never an anomaly.
/// </summary>
public sealed record AnomalyVerdict(double Value, double Expected, double Low, double High, int History, string Method, bool IsAnomaly)
{
    /// <summary>Why no verdict could be given (too little history), or null.</summary>
    public string? NotEnoughHistory { get; init; }
}
