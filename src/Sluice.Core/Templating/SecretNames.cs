namespace Sluice.Templating;

/// <summary>
/// Which <c>${VAR}</c> values are secret, so they are masked in logs and errors while a port or a
/// bucket name stays readable there: every variable listed in the secrets file, and every variable
/// whose name contains one of <see cref="Markers"/> (case-insensitive).
/// </summary>
public static class SecretNames
{
    public static IReadOnlyList<string> Markers { get; } = ["PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "CERT", "DSN", "CONNECTION_STRING"];

    public static bool LooksSecret(string name) =>
        Markers.Any(marker => name.Contains(marker, StringComparison.OrdinalIgnoreCase));
}
