using System.CommandLine;
using System.Globalization;
using Npgsql;
using Sluice.Cdc.Postgres;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice cdc setup|drop|run|status &lt;pipeline&gt;</c>: the replication slot and publication of a
/// pipeline's <c>postgres_cdc</c> tasks, its initial snapshot, streaming outside a scheduled run, and lag.
/// </summary>
internal static class CdcCommand
{
    public static Command Create() => new("cdc", "Change data capture from PostgreSQL: set up, drop, run and watch a pipeline's postgres_cdc tasks (see docs/cdc.md).")
    {
        Sub("setup", "Create the publication and replication slot, and copy the tables into the target from the slot's snapshot.", SetupAsync),
        Sub("drop", "Drop the replication slot and publication (the source stops keeping WAL for them); the mirror tables stay.", DropAsync),
        Run(),
        Sub("status", "Show each slot's confirmed position, lag and retained WAL, and what the target has applied.", StatusAsync),
    };

    private static readonly Option<string?> TaskOption = new("--task") { Description = "Only this postgres_cdc task (default: every one in the pipeline)." };

    private delegate Task<int> Action(CdcSettings settings, string pipeline, CancellationToken cancellationToken);

    private delegate Task<int> TaskAction(CdcSettings settings, PipelineDefinition pipeline, string task, CancellationToken cancellationToken);

    private static Command Sub(string name, string description, Action action)
    {
        var pipeline = CommonOptions.Pipeline();
        var command = new Command(name, description) { pipeline, TaskOption };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(() => ForEachAsync(parse.GetValue(pipeline)!, parse.GetValue(TaskOption), (settings, definition, _, token) => action(settings, definition.Name, token), cancellationToken)));
        return command;
    }

    private static Command Run()
    {
        var pipeline = CommonOptions.Pipeline();
        var once = new Option<bool>("--once") { Description = "Drain what was committed up to now, then stop (what the scheduled task does), instead of running until Ctrl+C." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("run", "Stream changes into the target until Ctrl+C (or, with --once, up to the WAL position current at the start).")
        {
            pipeline, TaskOption, once, stateDir, CommonOptions.Metadata,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            // Slot lag and schema drift go to the event log (and this process's metrics, exported when
            // OTEL_* configures it); a drift that stopped the stream is alerted through alerts.yaml.
            var metadata = SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), SluiceHost.StateDirectory(parse.GetValue(stateDir)));
            using var telemetry = SluiceHost.StartTelemetry();
            PipelineDefinition? definition = null;
            try
            {
                await using var events = await CdcEventLog.OpenAsync(metadata, cancellationToken);
                return await ForEachAsync(
                    parse.GetValue(pipeline)!,
                    parse.GetValue(TaskOption),
                    async (settings, loaded, task, token) =>
                    {
                        definition = loaded;
                        var emit = new CdcEvents(events.For(loaded.Name, task), TimeProvider.System);
                        await Translate(settings, () => CdcStreamer.RunAsync(settings, loaded.Name, bounded: parse.GetValue(once), Console.WriteLine, null, token, emit));
                        return 0;
                    },
                    cancellationToken);
            }
            finally
            {
                if (definition is not null)
                {
                    await AlertDispatch.FlushAsync(definition, metadata, CancellationToken.None);
                }
            }
        }));
        return command;
    }

    private static async Task<int> ForEachAsync(string pipelineArgument, string? taskId, TaskAction action, CancellationToken cancellationToken)
    {
        var definition = PipelineLocator.Load(pipelineArgument);
        var catalog = SluiceHost.Catalog();
        var scratch = Path.Combine(Path.GetTempPath(), "sluice-cdc-" + Guid.NewGuid().ToString("N"));
        try
        {
            var status = 0;
            foreach (var task in CdcTasks.Of(definition, taskId))
            {
                var settings = CdcTasks.Settings(definition, task, catalog, scratch, new SecretMasker());
                status = Math.Max(status, await action(settings, definition, task.Id, cancellationToken));
            }

            return status;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task<int> SetupAsync(CdcSettings settings, string pipeline, CancellationToken cancellationToken)
    {
        var result = await Translate(settings, () => CdcSetup.SetupAsync(settings, pipeline, Console.WriteLine, cancellationToken));
        Console.WriteLine(result.Created
            ? $"{settings.Where}: publication '{settings.Publication}' and slot '{settings.Slot}' ready; {result.SnapshotRows} row(s) copied to the target, streaming starts at {result.ConsistentPoint}."
            : $"{settings.Where}: already set up (slot '{settings.Slot}', target at {result.ConsistentPoint}).");
        return 0;
    }

    private static async Task<int> DropAsync(CdcSettings settings, string pipeline, CancellationToken cancellationToken)
    {
        foreach (var line in (await Translate(settings, () => CdcSetup.DropAsync(settings, cancellationToken))))
        {
            Console.WriteLine($"{settings.Where}: {line}");
        }

        return 0;
    }

    private static async Task<int> StatusAsync(CdcSettings settings, string pipeline, CancellationToken cancellationToken)
    {
        var status = await Translate(settings, () => CdcStatus.ReadAsync(settings, cancellationToken));
        Console.WriteLine($"{settings.Where}");
        if (status.SlotState is not { } slot)
        {
            Console.WriteLine($"  slot '{status.Slot}': missing (run `sluice cdc setup {pipeline}`)");
            return CommandErrors.Failed;
        }

        Console.WriteLine($"  slot '{slot.Name}': {(slot.Active ? $"active (server process {slot.ActivePid})" : "idle")}, confirmed {slot.ConfirmedLsn}, server at {slot.CurrentLsn}");
        Console.WriteLine($"  lag: {Bytes(slot.LagBytes)} of WAL not yet confirmed; retained WAL: {Bytes(slot.RetainedBytes)}");
        Console.WriteLine(status.AppliedLsn is null
            ? "  target: no applied position (the initial snapshot has not completed)"
            : $"  target: applied up to {status.AppliedLsn}, last source commit {Time(status.SourceCommitAt)}, applied {Time(status.AppliedAt)}");
        return 0;
    }

    private static string Bytes(long? bytes) => bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) + " bytes" : "unknown";

    private static string Time(DateTime? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "never";

    /// <summary>Server and network failures as one line naming the connection, never its password.</summary>
    private static async Task<T> Translate<T>(CdcSettings settings, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PostgresException e)
        {
            throw new SluiceException($"{settings.Where}: PostgreSQL said: {e.MessageText} ({e.SqlState}).{(e.Hint is { Length: > 0 } h ? " Hint: " + h : string.Empty)} Source: {settings.SourceDescription}; target: {settings.TargetDescription}.");
        }
        catch (NpgsqlException e)
        {
            throw new SluiceException($"{settings.Where}: {e.Message.TrimEnd('.')}. Source: {settings.SourceDescription}; target: {settings.TargetDescription}.");
        }
    }
}
