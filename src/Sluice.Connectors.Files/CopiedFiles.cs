using Sluice.Engine.DuckDb;
using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>Maps the path of a temporary copy back to the user's file, for the filename column.</summary>
internal static class CopiedFiles
{
    /// <summary>A CASE that turns each copy's path in <paramref name="column"/> into its original; values are bound.</summary>
    public static string FilenameCase(IReadOnlyDictionary<string, string> originals, string column, List<SqlParameterValue> parameters)
    {
        var cases = new List<string>();
        foreach (var (copy, original) in originals)
        {
            var index = parameters.Count;
            parameters.Add(new SqlParameterValue($"copy_{index}", copy));
            parameters.Add(new SqlParameterValue($"original_{index}", original));
            cases.Add($"WHEN $copy_{index} THEN $original_{index}");
        }

        var quoted = SqlText.Identifier(column);
        return cases.Count == 0 ? $"{quoted} AS {quoted}" : $"CASE {quoted} {string.Join(' ', cases)} ELSE {quoted} END AS {quoted}";
    }
}
