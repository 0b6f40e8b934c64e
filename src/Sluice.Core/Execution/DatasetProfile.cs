using Sluice.Model;

namespace Sluice.Execution;

/// <summary>What <see cref="IDatasetInspector"/> saw of a staged dataset: its columns and its row and NULL counts.</summary>
public sealed record DatasetProfile(IReadOnlyList<ColumnDefinition> Columns, NullCounts Counts);
