using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>
/// <c>schema_evolution</c>, the one policy every warehouse sink (DuckDB, PostgreSQL, SQLite) applies
/// in every load mode: a load changes a table's rows, never its definition, unless it says so.
/// </summary>
public static class SchemaEvolution
{
    public const string Fail = "fail";
    public const string AddColumns = "add_columns";
    public const string Recreate = "recreate";

    public static OptionSpec Spec { get; } = OptionSpec.OneOf(
        "schema_evolution",
        "When the dataset's columns differ from the table's. fail: refuse. add_columns: add the dataset's new columns (nullable). recreate (mode replace only): rebuild the table from the dataset's columns.",
        Fail,
        Fail,
        AddColumns,
        Recreate);

    public static IEnumerable<string> Validate(TaskDefinition task)
    {
        var mode = ((task.Options.Find("mode") as ScalarOption)?.Value ?? "append").ToLowerInvariant();
        if ((task.Options.Find("schema_evolution") as ScalarOption)?.Value?.ToLowerInvariant() == Recreate && mode != "replace")
        {
            yield return $"schema_evolution: recreate rebuilds the table, which only mode 'replace' may do (the mode is '{mode}'). Use add_columns, or mode: replace.";
        }
    }

    /// <summary>The refusal for table columns a replace would leave all NULL, with what to do.</summary>
    public static string MissingColumnsMessage(TaskContext context, string table, IEnumerable<string> missing) =>
        $"task '{context.Task.Id}': the dataset has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} of table {table}, so mode 'replace' would leave it empty in every row. " +
        "Select the column in the dataset, drop it from the table yourself, or set schema_evolution: recreate to rebuild the table from the dataset's columns (its data, constraints and indexes are lost).";
}
