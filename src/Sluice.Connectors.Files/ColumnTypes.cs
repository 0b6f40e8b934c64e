using System.Text;
using System.Text.RegularExpressions;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Files;

/// <summary>Declared column types rendered as the struct DuckDB's readers take.</summary>
internal static partial class ColumnTypes
{
    public static string Struct(IReadOnlyList<KeyValuePair<string, string>> columns)
    {
        var text = new StringBuilder("{");
        foreach (var (name, type) in columns)
        {
            // Types are SQL type names, never data; anything that is not one is refused rather than pasted.
            if (!TypeName().IsMatch(type))
            {
                throw new SluiceException($"column '{name}' has type '{type}', which is not a SQL type name such as BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP or DECIMAL(18,2).");
            }

            if (text.Length > 1)
            {
                text.Append(", ");
            }

            text.Append(SqlText.Literal(name)).Append(": ").Append(SqlText.Literal(type));
        }

        return text.Append('}').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$")]
    private static partial Regex TypeName();
}
