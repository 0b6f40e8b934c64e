using System.Text.RegularExpressions;

namespace Sluice.Templating;

/// <summary>The syntax of <c>{{ }}</c> and <c>${}</c> references, and the checks validation runs on it.</summary>
public sealed partial class TemplateRenderer
{
    /// <summary>Names used inside <c>{{ }}</c> in a text, for validation before a run.</summary>
    public static IEnumerable<string> ReferencedVariables(string text) =>
        Expression().Matches(text).Select(m => m.Groups["name"].Value);

    /// <summary>
    /// Problems of the filters used inside <c>{{ }}</c> in a text, for validation before a run.
    /// Unknown variables are reported by <see cref="ReferencedVariables"/>, so they are skipped here.
    /// </summary>
    public static IEnumerable<string> FilterProblems(string text, IReadOnlySet<string> knownVariables) =>
        Expression().Matches(text)
            .Where(m => m.Groups["filter"].Success && knownVariables.Contains(m.Groups["name"].Value))
            .Select(m => TemplateFilters.Problem(
                m.Value,
                m.Groups["name"].Value,
                TemplateFilters.DateVariables.Contains(m.Groups["name"].Value),
                m.Groups["filter"].Value,
                m.Groups["arg"].Success ? m.Groups["arg"].Value : null))
            .OfType<string>();

    // {{ name }} or {{ name | filter }} or {{ name | filter('argument') }}; the argument may be quoted with ' or ".
    private const string ExpressionPattern =
        @"\{\{\s*(?<name>[A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|\s*(?<filter>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?:'(?<arg>[^']*)'|""(?<arg>[^""]*)"")\s*\))?\s*)?\}\}";

    private const string EnvironmentPattern = @"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}";

    [GeneratedRegex(ExpressionPattern)]
    private static partial Regex Expression();

    [GeneratedRegex(EnvironmentPattern)]
    private static partial Regex EnvironmentReference();

    [GeneratedRegex(ExpressionPattern + "|" + @"\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}")]
    private static partial Regex AnyReference();
}
