using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Alerts.Configuration;

/// <summary>
/// Reads one mapping of alerts.yaml: typed values with <c>${VAR}</c> resolved (and registered with the
/// masker), recording a located error for each bad or missing value instead of stopping at the first.
/// </summary>
internal sealed class OptionReader(MapOption map, string what, List<PipelineError> errors, TemplateRenderer secrets)
{
    public SourceLocation Location => map.Location;

    public string What => what;

    public void Error(SourceLocation location, string message) => errors.Add(new PipelineError(location, message));

    public SourceLocation LocationOf(string key) => map.Find(key)?.Location ?? map.Location;

    /// <summary>Reports every key that is not one of <paramref name="allowed"/>, with the closest spelling.</summary>
    public void AllowOnly(params string[] allowed)
    {
        foreach (var (key, value) in map.Entries.Where(e => !allowed.Contains(e.Key)))
        {
            Error(value.KeyLocation ?? value.Location, Suggestions.UnknownName("key", key, allowed, $"in {what}"));
        }
    }

    public OptionValue? Raw(string key) => map.Find(key);

    public bool Has(string key) => map.Find(key) is not null and not ScalarOption { Value: null };

    public string? Text(string key, bool required = false)
    {
        switch (map.Find(key))
        {
            case null or ScalarOption { Value: null }:
                if (required)
                {
                    Error(map.Location, $"{what} needs '{key}'.");
                }

                return null;
            case ScalarOption { Value: { } raw } scalar:
                return Resolve(raw, scalar.Location);
            case { } other:
                Error(other.Location, $"'{key}' in {what} must be a single value, not {other.Describe()}.");
                return null;
        }
    }

    /// <summary>A list of values, also accepted as one value.</summary>
    public IReadOnlyList<string> List(string key, bool required = false)
    {
        var found = map.Find(key);
        var items = found switch
        {
            ListOption list => list.Items,
            ScalarOption { Value: not null } single => [single],
            _ => [],
        };
        if (found is MapOption)
        {
            Error(found.Location, $"'{key}' in {what} must be a value or a list of values.");
        }
        else if (items.Count == 0 && required)
        {
            Error(found?.Location ?? map.Location, $"{what} needs '{key}' with at least one value.");
        }

        var values = new List<string>();
        foreach (var item in items)
        {
            if (item is ScalarOption { Value: { } raw } && Resolve(raw, item.Location) is { } value)
            {
                values.Add(value);
            }
            else if (item is not ScalarOption)
            {
                Error(item.Location, $"each item of '{key}' in {what} must be a single value.");
            }
        }

        return values;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Map(string key)
    {
        switch (map.Find(key))
        {
            case null:
                return [];
            case MapOption entries:
                var values = new List<KeyValuePair<string, string>>();
                foreach (var (name, value) in entries.Entries)
                {
                    if (value is ScalarOption { Value: { } raw } && Resolve(raw, value.Location) is { } resolved)
                    {
                        values.Add(new(name, resolved));
                    }
                    else
                    {
                        Error(value.Location, $"'{key}.{name}' in {what} must be a single value.");
                    }
                }

                return values;
            case { } other:
                Error(other.Location, $"'{key}' in {what} must be a mapping of names to values.");
                return [];
        }
    }

    public MapOption? Mapping(string key)
    {
        switch (map.Find(key))
        {
            case null:
                return null;
            case MapOption mapping:
                return mapping;
            case { } other:
                Error(other.Location, $"'{key}' in {what} must be a mapping of keys to values, not {other.Describe()}.");
                return null;
        }
    }

    public int Int(string key, int fallback, int min, int max)
    {
        if (Text(key) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(LocationOf(key), $"'{key}' in {what} must be a whole number from {min} to {max}.");
        return fallback;
    }

    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        if (Text(key) is not { } text)
        {
            return fallback;
        }

        if (OptionParsing.ParseDuration(text) is { } value && value > TimeSpan.Zero)
        {
            return value;
        }

        Error(LocationOf(key), $"'{key}' in {what} must be a duration such as 500ms, 10s or 2m, not '{text}'.");
        return fallback;
    }

    /// <summary>An absolute http or https URL; the error names the variable, never a secret's value.</summary>
    public Uri? Url(string key, bool required)
    {
        if (Text(key, required) is not { } text)
        {
            return null;
        }

        var raw = (map.Find(key) as ScalarOption)?.Value ?? string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            if (raw.Contains("${", StringComparison.Ordinal))
            {
                // A webhook URL carries its token in the path; receivers and proxies echo the path alone.
                secrets.Secrets.Register(url.PathAndQuery.Length > 1 ? url.PathAndQuery : null);
                secrets.Secrets.Register(url.UserInfo);
            }

            return url;
        }

        var shown = raw.Contains("${", StringComparison.Ordinal) ? $"the value of '{raw}'" : $"'{raw}'";
        Error(LocationOf(key), $"'{key}' in {what} must be an absolute http:// or https:// URL; {shown} is not. Write it as https://host/path.");
        return null;
    }

    private string? Resolve(string raw, SourceLocation location)
    {
        if (raw.Contains("{{", StringComparison.Ordinal))
        {
            Error(location, $"run variables such as {{{{ ds }}}} are not available in {what}; only ${{VAR}} (environment or {SecretsFile.FileName}) is.");
            return null;
        }

        try
        {
            return secrets.Render(raw, location);
        }
        catch (NonRetryableException e)
        {
            var unset = System.Text.RegularExpressions.Regex.Match(e.Message, "environment variable '([^']+)' is not set");
            var prefix = location + ": ";
            Error(location, unset.Success
                ? $"secret variable '{unset.Groups[1].Value}' of {what} is not set. Set it in the environment or in {SecretsFile.FileName} beside the pipeline."
                : $"{(e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message)} (in {what})");
            return null;
        }
    }
}
