using System.Globalization;
using Sluice.Model;

namespace Sluice.Transforms.Steps;

/// <summary>
/// The options of one step as written in YAML, with typed getters that record located errors
/// instead of throwing, so every problem of a pipeline is reported at once.
/// </summary>
internal sealed class StepArguments(string step, OptionValue value, List<Validation.PipelineError> errors)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public string Step => step;

    public SourceLocation Location => value.KeyLocation ?? value.Location;

    /// <summary>The step's value when it is a single scalar (<c>- filter: amount > 0</c>).</summary>
    public string? Scalar => (value as ScalarOption)?.Value;

    public MapOption? Map => value as MapOption;

    public ListOption? List => value as ListOption;

    public void Error(string message, SourceLocation? at = null) =>
        errors.Add(new Validation.PipelineError(at ?? Location, $"step '{step}': {message}"));

    public OptionValue? Raw(string name)
    {
        _read.Add(name);
        return Map?.Find(name);
    }

    public string? Text(string name, string? @default = null) => Raw(name) switch
    {
        ScalarOption { Value: { } v } => v,
        null => @default,
        var other => Fail<string?>(other, name, "a single value", @default),
    };

    public string Required(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            Error($"needs option '{name}'.");
        }

        return text ?? string.Empty;
    }

    public double Number(string name, double @default)
    {
        var text = Text(name);
        if (text is null)
        {
            return @default;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Error($"option '{name}' must be a number (got '{text}').", Raw(name)?.Location);
        return @default;
    }

    public bool Flag(string name, bool @default)
    {
        var text = Text(name);
        return text is null ? @default : text.ToLowerInvariant() switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => Fail(Raw(name)!, name, "true or false", @default),
        };
    }

    public string Choice(string name, string @default, params string[] choices)
    {
        var text = (Text(name) ?? @default).ToLowerInvariant();
        if (!choices.Contains(text))
        {
            Error($"option '{name}' must be one of: {string.Join(", ", choices)} (got '{text}').", Raw(name)?.Location);
            return @default;
        }

        return text;
    }

    /// <summary>A list of names, also accepted as one name.</summary>
    public IReadOnlyList<string> Names(string name) => Raw(name) switch
    {
        null => [],
        ScalarOption { Value: { } single } => [single],
        ListOption list => list.Items.OfType<ScalarOption>().Select(i => i.Value ?? string.Empty).ToList(),
        var other => Fail<IReadOnlyList<string>>(other, name, "a name or a list of names", []),
    };

    /// <summary>A mapping of names to single values, in file order.</summary>
    public IReadOnlyList<(string Key, string Value, SourceLocation At)> Pairs(MapOption? map) =>
        map?.Entries.Select(e => (e.Key, (e.Value as ScalarOption)?.Value ?? string.Empty, e.Value.KeyLocation ?? e.Value.Location)).ToList() ?? [];

    /// <summary>Reports options this step does not know, with the valid ones.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var (key, option) in Map?.Entries ?? [])
        {
            if (!known.Contains(key))
            {
                Error(Validation.Suggestions.UnknownName("option", key, known), option.KeyLocation ?? option.Location);
            }
        }
    }

    private T Fail<T>(OptionValue found, string name, string expected, T fallback)
    {
        Error($"option '{name}' must be {expected}, not {found.Describe()}.", found.Location);
        return fallback;
    }
}
