namespace Sluice.State;

/// <summary>States as stored and shown: snake_case, the names Airflow users know (<c>upstream_failed</c>).</summary>
public static class StateNames
{
    public static string Of<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static T Parse<T>(string text)
        where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
}
