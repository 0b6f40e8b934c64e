using Sluice.Model;

namespace Sluice.Execution;

/// <summary>Compares a dataset's actual columns with its declared schema and describes the drift.</summary>
internal static class SchemaContract
{
    public static string? Diff(DatasetDefinition declared, IReadOnlyList<ColumnDefinition> actual)
    {
        var problems = new List<string>();
        foreach (var column in declared.Columns)
        {
            var found = actual.FirstOrDefault(a => string.Equals(a.Name, column.Name, StringComparison.OrdinalIgnoreCase));
            if (found is null)
            {
                problems.Add($"missing column '{column.Name}' ({column.Type})");
            }
            else if (!SameType(column.Type, found.Type))
            {
                problems.Add($"column '{column.Name}' is {found.Type}, declared {column.Type}");
            }
        }

        foreach (var extra in actual.Where(a => !declared.Columns.Any(c => string.Equals(c.Name, a.Name, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"new column '{extra.Name}' ({extra.Type})");
        }

        return problems.Count == 0
            ? null
            : $"dataset '{declared.Name}' does not match its declared schema ({declared.Location}): {string.Join("; ", problems)}.";
    }

    private static bool SameType(string declared, string actual) =>
        Normalize(declared) == Normalize(actual);

    private static string Normalize(string type)
    {
        var t = type.Trim().ToUpperInvariant();
        return t switch
        {
            "INT" or "INTEGER" or "INT4" => "INTEGER",
            "BIGINT" or "INT8" or "LONG" => "BIGINT",
            "DOUBLE" or "FLOAT8" or "DOUBLE PRECISION" => "DOUBLE",
            "FLOAT" or "REAL" or "FLOAT4" => "FLOAT",
            "STRING" or "TEXT" or "VARCHAR" => "VARCHAR",
            "BOOL" or "BOOLEAN" => "BOOLEAN",
            "TIMESTAMP" or "DATETIME" => "TIMESTAMP",
            "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE" => "TIMESTAMPTZ",

            // Parquet has no 128-bit integer, so staging keeps these exact as DECIMAL(38,0).
            "HUGEINT" or "INT128" or "UHUGEINT" => "DECIMAL(38,0)",
            _ => t.Replace(" ", string.Empty, StringComparison.Ordinal),
        };
    }
}
