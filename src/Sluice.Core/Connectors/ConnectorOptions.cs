using System.Globalization;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Connectors;

/// <summary>
/// Typed, template-expanded access to a task's options. Types were checked by validation before the
/// run, so a failure here means a template expanded to something unusable, and says where.
/// </summary>
public sealed class ConnectorOptions(MapOption options, IReadOnlyList<OptionSpec> specs, TemplateRenderer templates)
{
    public SourceLocation LocationOf(string name) => options.Find(name)?.Location ?? options.Location;

    public bool Has(string name) => options.Find(name) is ScalarOption { Value: not null } or ListOption or MapOption;

    public string? GetString(string name)
    {
        var raw = RawScalar(name);
        return raw is null ? null : templates.Render(raw, LocationOf(name));
    }

    public string GetRequiredString(string name) =>
        GetString(name) ?? throw new SluiceException($"{options.Location}: option '{name}' is required.");

    public SqlTemplate GetSql(string name, Func<string, string> placeholder)
    {
        var raw = RawScalar(name) ?? throw new SluiceException($"{options.Location}: option '{name}' is required.");
        return templates.RenderSql(raw, LocationOf(name), placeholder);
    }

    public string GetChoice(string name) => (GetString(name) ?? string.Empty).ToLowerInvariant();

    public int GetInt(string name) => int.Parse(GetRequiredString(name), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public double GetNumber(string name) => double.Parse(GetRequiredString(name), NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool GetBool(string name) => OptionParsing.ParseBool(GetRequiredString(name)) ?? false;

    public IReadOnlyList<string> GetList(string name)
    {
        var location = LocationOf(name);
        return options.Find(name) switch
        {
            ListOption list => list.Items.OfType<ScalarOption>().Select(i => templates.Render(i.Value ?? string.Empty, i.Location)).ToList(),
            ScalarOption { Value: { } single } => [templates.Render(single, location)],
            _ => Spec(name)?.Default is { } d ? [d] : [],
        };
    }

    public IReadOnlyList<KeyValuePair<string, string>> GetMap(string name) =>
        options.Find(name) is MapOption map
            ? map.Entries.Select(e => new KeyValuePair<string, string>(e.Key, templates.Render((e.Value as ScalarOption)?.Value ?? string.Empty, e.Value.Location))).ToList()
            : [];

    private string? RawScalar(string name) =>
        options.Find(name) is ScalarOption { Value: { } value } ? value : Spec(name)?.Default;

    private OptionSpec? Spec(string name) => specs.FirstOrDefault(s => s.Name == name);
}

public static class OptionParsing
{
    public static bool? ParseBool(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => null,
    };

    /// <summary>Durations as <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>500ms</c> or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes),
            ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays),
        ];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0)
            {
                return make(amount);
            }
        }

        // A bare number has no unit; TimeSpan would read "30" as thirty days.
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }
}
