using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.DuckDb;

/// <summary>
/// Counts what an empty input would remove from a warehouse table (the whole table for replace, the
/// interval's partition for delete_insert with partition_value, every current version for scd2 with
/// close_missing) and lets <see cref="EmptyLoadGuard"/> decide; loads that remove nothing pass.
/// </summary>
internal sealed class EmptyWarehouseLoad(DuckDbSession session, TaskContext context, LoadMode mode, string target, string tableName)
{
    /// <summary>Throws when on_empty refuses the load; returns whether the input is empty.</summary>
    public async Task<bool> CheckAsync(string input, CancellationToken cancellationToken)
    {
        if (await session.ScalarAsync<long>($"SELECT count(*) FROM (SELECT 1 FROM {input} LIMIT 1)", [], cancellationToken) > 0)
        {
            return false;
        }

        if (!await TableExistsAsync(cancellationToken))
        {
            return true;
        }

        var partitionValue = context.Options.GetString("partition_value");
        var (affected, verb, what) = mode switch
        {
            LoadMode.Replace => (await session.ScalarAsync<long>($"SELECT count(*) FROM {target}", [], cancellationToken), "remove", $"row(s) of {tableName}"),
            LoadMode.DeleteInsert when partitionValue is not null => (
                await session.ScalarAsync<long>(
                    $"SELECT count(*) FROM {target} WHERE CAST({SqlText.Identifier(context.Options.GetRequiredString("partition_column"))} AS VARCHAR) = $value",
                    [new("value", partitionValue)],
                    cancellationToken),
                "remove",
                $"row(s) of {tableName} (partition {context.Options.GetRequiredString("partition_column")} = {partitionValue})"),
            LoadMode.Scd2 when context.Options.GetBool("close_missing") => (
                await session.ScalarAsync<long>(
                    $"SELECT count(*) FROM {target} WHERE {SqlText.Identifier(ScdOptions.IsCurrent)} AND {SqlText.Identifier(context.Options.GetRequiredString("surrogate_key"))} <> $unknown",
                    [new("unknown", ScdOptions.UnknownMemberKey)],
                    cancellationToken),
                "close",
                $"current version(s) of {tableName} (close_missing: true)"),
            _ => (0L, string.Empty, string.Empty),
        };
        EmptyLoadGuard.Check(context, affected, $"{verb} {affected} {what}");
        return true;
    }

    private async Task<bool> TableExistsAsync(CancellationToken cancellationToken) =>
        await session.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
            [new("s", context.Options.GetRequiredString("schema")), new("t", context.Options.GetRequiredString("table"))],
            cancellationToken) > 0;
}
