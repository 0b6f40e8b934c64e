using Sluice.Execution;
using Sluice.Model;

namespace Sluice.Engine.DuckDb;

/// <summary>Reads a staged Parquet file's schema, for dataset contracts.</summary>
public sealed class DuckDbDatasetInspector(DuckDbSettings? settings = null) : IDatasetInspector
{
    public async Task<IReadOnlyList<ColumnDefinition>> DescribeAsync(string stagedPath, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var columns = await session.DescribeAsync("SELECT * FROM read_parquet($p)", [new("p", stagedPath)], cancellationToken);
        return columns.Select(c => new ColumnDefinition(c.Name, c.Type)).ToList();
    }
}
