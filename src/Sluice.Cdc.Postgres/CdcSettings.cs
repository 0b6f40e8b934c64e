using System.Text;
using Npgsql;
using Sluice.Connectors;
using Sluice.Connectors.Postgres;

namespace Sluice.Cdc.Postgres;

/// <summary>A source table, as <c>schema.table</c>.</summary>
internal sealed record TableName(string Schema, string Table)
{
    public static TableName Parse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new TableName("public", text.Trim()) : new TableName(text[..dot].Trim(), text[(dot + 1)..].Trim());
    }

    public override string ToString() => $"{Schema}.{Table}";
}

/// <summary>
/// What a <c>source: postgres_cdc</c> task captures and where it applies it, read once from the task's
/// options: the source and target connections, the tables, and the publication and slot names
/// (derived from the pipeline and task so two pipelines never share a slot, unless overridden).
/// </summary>
internal sealed class CdcSettings
{
    public required string Where { get; init; }
    public required NpgsqlConnectionStringBuilder Source { get; init; }
    public required string SourceDescription { get; init; }
    public required NpgsqlConnectionStringBuilder Target { get; init; }
    public required string TargetDescription { get; init; }
    public required IReadOnlyList<TableName> Tables { get; init; }
    public required string Publication { get; init; }
    public required string Slot { get; init; }
    public required string TargetSchema { get; init; }
    public required bool EvolveNewColumns { get; init; }
    public int BatchChanges { get; init; } = 5000;

    /// <summary>Under a steady stream the queue is never empty: commit to the target at least this often, so lag stays bounded.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(DefaultCommitIntervalMs);

    /// <summary>
    /// 100 ms (500 ms was fixed before): under a steady stream the interval is added to every
    /// transaction's lag, and 500 ms would spend half of a 1 s lag budget; at 10,000 changes/s 100 ms
    /// still commits ~1,000 changes at a time. The bench (bench/Sluice.Bench.Cdc) found no CPU cost, and
    /// on its loaded machine no lag difference it could separate from noise (bench/README.md).
    /// </summary>
    public const int DefaultCommitIntervalMs = 100;

    public static CdcSettings From(TaskContext context)
    {
        var (source, sourceEndpoint) = PostgresConnections.Describe(context, "connection");
        var (target, targetEndpoint) = PostgresConnections.Describe(context, "target");
        // The mirror runs the same few upserts and deletes over and over: prepared once, they skip parsing and planning.
        target.MaxAutoPrepare = 64;
        target.AutoPrepareMinUsages = 2;
        var tables = context.Options.GetList("tables").Select(TableName.Parse).ToList();
        var derived = DerivedName(context.Pipeline.Name, context.Task.Id);
        return new CdcSettings
        {
            Where = $"task '{context.Task.Id}' of pipeline '{context.Pipeline.Name}'",
            Source = source,
            SourceDescription = sourceEndpoint.ToString(),
            Target = target,
            TargetDescription = targetEndpoint.ToString(),
            Tables = tables,
            Publication = context.Options.GetString("publication") ?? derived,
            Slot = context.Options.GetString("slot") ?? derived,
            TargetSchema = context.Options.GetRequiredString("target_schema"),
            EvolveNewColumns = context.Options.GetChoice("on_new_columns") != "fail",
            BatchChanges = context.Options.GetInt("batch_changes"),
            CommitInterval = TimeSpan.FromMilliseconds(context.Options.GetInt("commit_interval_ms")),
        };
    }

    /// <summary>
    /// <c>sluice_&lt;pipeline&gt;_&lt;task&gt;</c> folded to what a slot name allows (lower-case letters,
    /// digits and underscores, at most 63 characters).
    /// </summary>
    public static string DerivedName(string pipeline, string task)
    {
        var text = new StringBuilder("sluice_");
        foreach (var c in $"{pipeline}_{task}".ToLowerInvariant())
        {
            text.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return text.Length <= 63 ? text.ToString() : text.ToString(0, 63);
    }

    /// <summary>The same source connection in replication mode, as logical replication needs.</summary>
    public string ReplicationConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(Source.ConnectionString) { Pooling = false };
        return builder.ConnectionString;
    }
}
