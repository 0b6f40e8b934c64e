using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Loads that an empty input would turn into a removal: a replace (every row) and an scd2 snapshot
/// with <c>close_missing: true</c> (every current version). <see cref="EmptyLoadGuard"/> decides.
/// </summary>
internal static class EmptyInput
{
    /// <summary>Whether the staged dataset has no rows; its Parquet metadata answers without a scan.</summary>
    public static async Task<bool> IsEmptyAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(input.Settings, cancellationToken);
        await session.BindDatasetAsync("staged", input.ParquetPath, cancellationToken);
        return await session.ScalarAsync<long>("SELECT count(*) FROM (SELECT 1 FROM staged LIMIT 1)", [], cancellationToken) == 0;
    }

    public static async Task CheckReplaceAsync(TaskContext context, TargetTable target, CancellationToken cancellationToken)
    {
        var rows = await target.CountAsync(cancellationToken: cancellationToken);
        EmptyLoadGuard.Check(context, rows, $"remove {rows} row(s) of {target}");
    }

    public static async Task CheckSnapshotAsync(TaskContext context, TargetTable target, DatasetReader input, CancellationToken cancellationToken)
    {
        if (!await IsEmptyAsync(input, cancellationToken))
        {
            return;
        }

        var surrogateKey = SqlText.Identifier(context.Options.GetRequiredString("surrogate_key"));
        var current = await target.CountAsync($"{SqlText.Identifier(ScdOptions.IsCurrent)} AND {surrogateKey} <> {ScdOptions.UnknownMemberKey}", cancellationToken: cancellationToken);
        EmptyLoadGuard.Check(context, current, $"close {current} current version(s) of {target} (close_missing: true)");
    }
}
