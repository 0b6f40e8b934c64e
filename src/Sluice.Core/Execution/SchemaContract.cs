using Sluice.Contracts;
using Sluice.Model;

namespace Sluice.Execution;

/// <summary>Compares a dataset's actual columns with its declared schema and describes the drift.</summary>
internal static class SchemaContract
{
    public static string? Diff(DatasetDefinition declared, IReadOnlyList<ColumnDefinition> actual) =>
        ContractDiff.Compare(declared.Columns, actual) is { ChangesSchema: true } diff ? Message(declared, diff.Problems) : null;

    public static string Message(DatasetDefinition declared, IEnumerable<string> problems) =>
        $"dataset '{declared.Name}' does not match its declared schema ({declared.Location}): {string.Join("; ", problems)}.";
}
