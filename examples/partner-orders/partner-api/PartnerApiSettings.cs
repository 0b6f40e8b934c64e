using System.Globalization;

namespace Sluice.Examples.PartnerApi;

/// <summary>
/// How the partner API runs. <paramref name="Port"/> 0 lets the OS pick one (tests do);
/// <paramref name="FailEvery"/> N answers every Nth product request with 429 and Retry-After, to show
/// the client's retries (0 never does).
/// </summary>
public sealed record PartnerApiSettings(string Token, int Port = 0, int FailEvery = 0)
{
    public const string Usage = """
        usage: partner-api [--port N] [--fail-every N]
          --port N        port on 127.0.0.1 (default: PARTNER_API_PORT, else 5080)
          --fail-every N  answer every Nth product request with 429 and Retry-After: 1
                          (default: PARTNER_API_FAIL_EVERY, else 3; 0 turns it off)
        The bearer token clients must send is read from PARTNER_API_TOKEN (required); it is not an
        argument so that it never shows in process listings.
        """;

    /// <summary>Reads the command line, falling back to environment variables, then to defaults.</summary>
    public static PartnerApiSettings Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? port = environment("PARTNER_API_PORT");
        string? failEvery = environment("PARTNER_API_FAIL_EVERY");
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port":
                    port = value;
                    break;
                case "--fail-every":
                    failEvery = value;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'.");
            }

            i++;
        }

        var token = environment("PARTNER_API_TOKEN") is { Length: > 0 } t
            ? t
            : throw new ArgumentException("PARTNER_API_TOKEN is not set; clients must send it as a bearer token.");
        return new PartnerApiSettings(token, Number(port, "port", 5080, 0, 65535), Number(failEvery, "fail-every", 3, 0, int.MaxValue));
    }

    private static int Number(string? text, string name, int @default, int min, int max) =>
        text is null or ""
            ? @default
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException($"{name} must be a whole number from {min} to {max} (got '{text}').");
}
