using Sluice.Checks;
using Sluice.Engine.DuckDb.Checks;
using Sluice.Execution;
using Sluice.Model;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// Reads a staged Parquet file's schema and NULL counts, for dataset contracts; also runs declared
/// checks (through <see cref="DuckDbCheckRunner"/>), so a host that passes only the inspector to
/// <see cref="PipelineRunner"/> still enforces them.
/// </summary>
public sealed class DuckDbDatasetInspector(DuckDbSettings? settings = null) : IDatasetInspector, ICheckRunner
{
    private readonly DuckDbCheckRunner _checks = new(settings);

    public Task<DatasetCheckReport> RunAsync(DatasetCheckRequest request, CancellationToken cancellationToken) => _checks.RunAsync(request, cancellationToken);

    public Task<string?> ProbeAsync(DatasetDefinition dataset, string query, CancellationToken cancellationToken) => _checks.ProbeAsync(dataset, query, cancellationToken);

    public async Task<DatasetProfile> InspectAsync(string stagedPath, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var columns = (await session.DescribeAsync("SELECT * FROM read_parquet($p)", [new("p", stagedPath)], cancellationToken))
            .Select(c => new ColumnDefinition(c.Name, c.Type)).ToList();
        var counts = string.Concat(columns.Select(c => $", count(*) FILTER (WHERE {SqlText.Identifier(c.Name)} IS NULL)"));
        var row = (await session.QueryAsync($"SELECT count(*){counts} FROM read_parquet($p)", [new("p", stagedPath)], cancellationToken)).Single();
        var nulls = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            nulls[columns[i].Name] = Convert.ToInt64(row[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }

        return new DatasetProfile(columns, new NullCounts(Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture), nulls));
    }
}
