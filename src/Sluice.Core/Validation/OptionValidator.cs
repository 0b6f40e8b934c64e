using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Validation;

/// <summary>Checks a task's options against the connector's declared option specs.</summary>
internal static class OptionValidator
{
    public static IEnumerable<PipelineError> Check(TaskDefinition task, IConnector connector) =>
        Check(task.Options, connector.Options, $"task '{task.Id}': ", $"{KindWord(task.Kind)} '{connector.Name}'", task.Location, "under 'with:'");

    public static IEnumerable<PipelineError> Check(ConnectionDefinition connection, ConnectionType type) =>
        Check(connection.Options, type.Options, $"connection '{connection.Name}': ", $"{type.Name} connection", connection.Location, $"to connection '{connection.Name}'");

    private static IEnumerable<PipelineError> Check(MapOption options, IReadOnlyList<OptionSpec> specs, string prefix, string owner, SourceLocation ownerLocation, string where)
    {
        foreach (var (name, value) in options.Entries)
        {
            var spec = specs.FirstOrDefault(s => s.Name == name);
            if (spec is null)
            {
                yield return new(value.KeyLocation ?? value.Location, prefix + Suggestions.UnknownName("option", name, specs.Select(s => s.Name), $"of {owner}"));
                continue;
            }

            if (TypeProblem(spec, value) is { } problem)
            {
                yield return new(value.Location, $"{prefix}option '{name}' {problem}");
            }
        }

        foreach (var spec in specs.Where(s => s.Required && s.Default is null))
        {
            if (options.Find(spec.Name) is null or ScalarOption { Value: null })
            {
                yield return new(ownerLocation, $"{prefix}{owner} needs option '{spec.Name}' ({spec.Description}). Add it {where}.");
            }
        }
    }

    internal static string KindWord(TaskKind kind) => kind.ToString().ToLowerInvariant();

    private static string? TypeProblem(OptionSpec spec, OptionValue value)
    {
        var scalar = (value as ScalarOption)?.Value;
        var templated = scalar is not null && (scalar.Contains("{{", StringComparison.Ordinal) || scalar.Contains("${", StringComparison.Ordinal));
        switch (spec.Kind)
        {
            case OptionKind.Structure:
                return null;
            case OptionKind.StringList:
                return value is ListOption list && list.Items.Any(i => i is not ScalarOption)
                    ? "must be a list of values."
                    : value is MapOption ? "must be a list of values, not a mapping." : null;
            case OptionKind.StringMap:
                return value is MapOption map
                    ? map.Entries.Any(e => e.Value is not ScalarOption) ? "must map each name to a single value." : null
                    : "must be a mapping of names to values.";
        }

        if (value is not ScalarOption)
        {
            return $"must be a single value, not {value.Describe()}.";
        }

        if (scalar is null || templated)
        {
            return null;
        }

        return spec.Kind switch
        {
            OptionKind.Integer when !long.TryParse(scalar, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
                $"must be a whole number (got '{scalar}').",
            OptionKind.Number when !double.TryParse(scalar, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
                $"must be a number (got '{scalar}').",
            OptionKind.Boolean when OptionParsing.ParseBool(scalar) is null =>
                $"must be true or false (got '{scalar}').",
            OptionKind.Choice when !spec.Choices.Contains(scalar, StringComparer.OrdinalIgnoreCase) =>
                $"must be one of: {string.Join(", ", spec.Choices)} (got '{scalar}').",
            _ => null,
        };
    }
}
