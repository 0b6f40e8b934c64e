using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// <c>source: postgres_cdc</c>: one bounded drain of a logical replication slot per run. Changes
/// committed in the source up to the moment the task starts are applied to a PostgreSQL mirror
/// (upserts and deletes by key, source transactions kept whole, exactly once), and the task's output
/// dataset holds the same changes as Debezium-like events (op, before, after, source table, LSN,
/// commit time, transaction id). The slot and snapshot come from <c>sluice cdc setup</c>.
/// </summary>
public sealed class PostgresCdcSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "postgres_cdc";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Captures inserts, updates and deletes from PostgreSQL (logical replication) and mirrors them into a PostgreSQL target.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The postgres connection to capture from (its user needs the REPLICATION attribute).", "postgres"),
        new("target", OptionKind.Connection, "The postgres connection the mirror tables are written to.") { Required = true, Choices = ["postgres"] },
        new("tables", OptionKind.StringList, "Source tables to capture, as schema.table; each needs a primary key.") { Required = true },
        OptionSpec.Text("target_schema", "Schema of the mirror tables (and of sluice_cdc_state) in the target.", @default: "public"),
        OptionSpec.Text("publication", "Publication name; default sluice_<pipeline>_<task>."),
        OptionSpec.Text("slot", "Replication slot name; default sluice_<pipeline>_<task>."),
        OptionSpec.OneOf("on_new_columns", "A column added to a source table: evolve adds it to the mirror, fail stops with a message.", "evolve", "evolve", "fail"),
        new("batch_changes", OptionKind.Integer, "Source transactions that arrive back to back are committed to the target together, up to this many changes.") { Default = "5000" },
        new("commit_interval_ms", OptionKind.Integer, "Under a steady stream, commit to the target at least this often (milliseconds): lower means less lag, higher fewer commits.") { Default = CdcSettings.DefaultCommitIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    ];

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var cdc = CdcSettings.From(context);
        var output = context.Task.Outputs[0];
        await using var changes = await ChangeLog.CreateAsync(settings, cancellationToken);
        var events = context.Emit is { } emit ? new CdcEvents(emit, context.Time) : null;
        var result = await CdcStreamer.RunAsync(cdc, context.Pipeline.Name, bounded: true, context.Log, changes.Append, cancellationToken, events);
        var rows = await changes.CompleteAsync(context.OutputPath(output), cancellationToken);
        return new TaskOutcome { RowsRead = result.Changes, RowsWritten = new Dictionary<string, long> { [output] = rows } };
    }
}
