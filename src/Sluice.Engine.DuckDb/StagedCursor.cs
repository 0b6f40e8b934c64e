using Sluice.Incremental;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// The highest cursor value in a staged dataset, for sources whose server filters by the bound but
/// cannot tell the highest value itself (an API's <c>updated_since</c>): read from exactly the rows staged.
/// </summary>
public static class StagedCursor
{
    public static async Task<CursorValue?> MaxAsync(string stagedPath, IncrementalRead read, string where, DuckDbSettings? settings, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        await session.BindDatasetAsync("staged", stagedPath, cancellationToken);
        var columns = await session.DescribeAsync("SELECT * FROM staged", [], cancellationToken);
        var column = read.ResolveColumn(columns.Select(c => c.Name).ToList(), where);
        var rows = await session.QueryAsync($"SELECT max({SqlText.Identifier(column)}) FROM staged", [], cancellationToken);
        return rows[0][0] is { } value ? CursorValue.From(value) : null;
    }
}
