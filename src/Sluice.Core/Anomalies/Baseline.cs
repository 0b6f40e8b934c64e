namespace Sluice.Anomalies;

/// <summary>
/// What a metric is expected to be for one interval: a centre and a robust standard deviation
/// (<see cref="Spread"/>), computed from <see cref="Used"/> earlier intervals by <see cref="Method"/>.
/// <see cref="Available"/> counts every earlier interval, which is what the minimum history is checked against.
/// </summary>
public sealed record Baseline(double Center, double Spread, int Used, int Available, string Method);
