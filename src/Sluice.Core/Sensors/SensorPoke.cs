namespace Sluice.Sensors;

/// <summary>One look at a sensor's condition: met, or not yet and what is missing (for the log and events).</summary>
public sealed record SensorPoke(bool Met, string Detail)
{
    public static SensorPoke Yes(string detail) => new(true, detail);

    public static SensorPoke NotYet(string detail) => new(false, detail);
}
