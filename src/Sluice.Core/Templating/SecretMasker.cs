using System.Collections.Concurrent;

namespace Sluice.Templating;

/// <summary>
/// Remembers every value that came from an environment variable or secrets file, so logs, errors
/// and run records can replace them before they are written anywhere.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    public void Register(string? value)
    {
        // One- and two-character values would mask ordinary text everywhere; they are not secrets worth the noise.
        if (!string.IsNullOrEmpty(value) && value.Length >= 3)
        {
            _secrets.TryAdd(value, 0);
        }
    }

    public string Apply(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
