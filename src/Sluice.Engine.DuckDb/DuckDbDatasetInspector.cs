using Sluice.Execution;
using Sluice.Model;

namespace Sluice.Engine.DuckDb;

/// <summary>Reads a staged Parquet file's schema and NULL counts, for dataset contracts.</summary>
public sealed class DuckDbDatasetInspector(DuckDbSettings? settings = null) : IDatasetInspector
{
    public async Task<IReadOnlyList<ColumnDefinition>> DescribeAsync(string stagedPath, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var columns = await session.DescribeAsync("SELECT * FROM read_parquet($p)", [new("p", stagedPath)], cancellationToken);
        return columns.Select(c => new ColumnDefinition(c.Name, c.Type)).ToList();
    }

    public async Task<NullCounts> CountNullsAsync(string stagedPath, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var counts = string.Concat(columns.Select(c => $", count(*) FILTER (WHERE {SqlText.Identifier(c)} IS NULL)"));
        var rows = await session.QueryAsync($"SELECT count(*){counts} FROM read_parquet($p)", [new("p", stagedPath)], cancellationToken);
        var row = rows.Single();
        var nulls = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            nulls[columns[i]] = Convert.ToInt64(row[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }

        return new NullCounts(Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture), nulls);
    }
}
