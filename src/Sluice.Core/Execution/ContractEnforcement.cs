using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Contracts;
using Sluice.Events;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Execution;

/// <summary>
/// The contract of each dataset a task writes, enforced on what the attempt staged before anything
/// is published. The contract is the declared columns (<c>datasets:</c>), else the schema recorded
/// from the dataset's first successful run and evolved since (<see cref="IContractStore"/>). Removed
/// columns and changed types fail the task (not retried), naming the columns present and the
/// probable rename; new columns follow <c>on_new_fields</c>; a column that became all NULL is
/// reported. Every change is a <c>contract_drift</c> event, whatever the policy.
/// </summary>
internal sealed class ContractEnforcement(
    PipelineDefinition pipeline,
    long runId,
    DataInterval interval,
    IDatasetInspector inspector,
    IContractStore? store,
    TimeProvider time,
    Action<string, string?, JsonObject> emit)
{
    /// <summary>How many earlier observations a column that became all NULL is judged against.</summary>
    public const int HistoryDepth = 30;

    private const int MaxListed = 40;

    /// <summary>Checks every output of <paramref name="task"/>; returns what to record once the attempt succeeds.</summary>
    public async Task<ContractRecording> CheckAsync(TaskDefinition task, Func<string, string> stagedPath, Action<string> log, CancellationToken cancellationToken)
    {
        var recording = new ContractRecording(store);
        foreach (var output in task.Outputs)
        {
            var path = stagedPath(output);
            var declared = pipeline.FindDataset(output) is { Columns.Count: > 0 } d ? d : null;
            // Inferred contracts guard what comes from outside (a source's data); a transform's output
            // changes when its author edits it, so only a declared contract binds it.
            if (File.Exists(path) && (declared is not null || (store is not null && task.Kind == TaskKind.Source)))
            {
                await CheckAsync(task, output, declared, path, recording, log, cancellationToken);
            }
        }

        return recording;
    }

    private async Task CheckAsync(TaskDefinition task, string dataset, DatasetDefinition? declared, string path, ContractRecording recording, Action<string> log, CancellationToken cancellationToken)
    {
        // One scan counts the rows and every column's NULLs: the NULL rules, the always-NULL check and the history need them.
        var (columns, counts) = await inspector.InspectAsync(path, cancellationToken);
        var observation = new ContractObservation
        {
            Pipeline = pipeline.Name,
            Dataset = dataset,
            TaskId = task.Id,
            RunId = runId,
            LogicalDate = interval.LogicalDate,
            ObservedAt = time.GetUtcNow(),
            Rows = counts.Rows,
            Columns = columns.Select(c => new ObservedColumn(c.Name, c.Type, counts.NullsByColumn.GetValueOrDefault(c.Name))).ToList(),
        };
        var current = store is null ? null : await store.CurrentContractAsync(pipeline.Name, dataset, cancellationToken);
        if (declared is null && current is null)
        {
            // An interval without rows says little about types (a CSV of headers only reads as VARCHAR), so it sets no contract.
            if (counts.Rows > 0)
            {
                recording.Add(NewVersion(dataset, columns, ContractOrigins.Inferred, null), 0);
                recording.Add(observation);
                log($"recorded the schema of '{dataset}' as its contract, version 1 ({columns.Count} column(s)); later runs are compared with it");
            }

            return;
        }

        if (declared is null && counts.Rows == 0)
        {
            return;
        }

        var contract = declared is null ? current!.Columns : Widened(declared.Columns, current);
        var history = store is null ? [] : await store.RecentObservationsAsync(pipeline.Name, dataset, HistoryDepth, cancellationToken);
        var alwaysNull = BecameAlwaysNull(observation, history, declared);

        // A column NULL in every row reads as VARCHAR from CSV: for an inferred contract its type says nothing, so it is no type change.
        var empty = observation.Columns.Where(c => c.Nulls == counts.Rows).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var diff = ContractDiff.Compare(contract, columns, declared is null ? "was" : "declared", declared is null ? empty : null)
            .WithAlwaysNull(alwaysNull);
        var policy = NewFieldsPolicies.Effective(task.OnNewFields, declared is not null);
        if (!diff.IsEmpty)
        {
            var breaks = diff.Breaks(policy);
            var message = Message(dataset, declared, current, diff, columns, policy, breaks);
            if (breaks || !AlreadyReported(diff, policy, history))
            {
                var payload = diff.Payload(dataset, message);
                payload["policy"] = NewFieldsPolicies.Name(policy);
                payload["severity"] = breaks ? "error" : "warning";
                emit(EventTypes.ContractDrift, task.Id, payload);
            }

            if (breaks)
            {
                if (store is not null)
                {
                    await store.RecordObservationAsync(observation with { Drifted = true }, cancellationToken);
                }

                throw new BadDataException(message);
            }

            log("warning: " + message);
            if (policy == NewFieldsPolicy.Evolve && diff.Added.Count > 0)
            {
                recording.Add(NewVersion(dataset, columns, ContractOrigins.Evolved, string.Join("; ", diff.Problems)), current?.Version ?? 0);
            }
        }

        if (declared is not null)
        {
            CheckNulls(declared, counts);
        }

        recording.Add(observation);
    }

    private static void CheckNulls(DatasetDefinition declared, NullCounts counts)
    {
        var constrained = NullContract.Constrained(declared);
        if (constrained.Count > 0 && NullContract.Violations(declared, constrained, counts) is { } violations)
        {
            throw new BadDataException(violations);
        }
    }

    /// <summary>The declared columns, plus the columns beyond them that an earlier run evolved or a person accepted.</summary>
    private static IReadOnlyList<ColumnDefinition> Widened(IReadOnlyList<ColumnDefinition> declared, ContractVersion? current) =>
        current is null
            ? declared
            : [.. declared, .. current.Columns.Where(c => !declared.Any(d => string.Equals(d.Name, c.Name, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>
    /// Columns NULL in every row now that had a value in every earlier observation that had them
    /// (and there was at least one). A column declared nullable: false is left to the NULL rules,
    /// which fail the task for it anyway.
    /// </summary>
    private static List<string> BecameAlwaysNull(ContractObservation now, IReadOnlyList<ContractObservation> history, DatasetDefinition? declared)
    {
        if (now.Rows == 0)
        {
            return [];
        }

        var published = history.Where(h => !h.Drifted && h.Rows > 0).ToList();
        return now.Columns
            .Where(c => c.Nulls == now.Rows)
            .Where(c => declared?.Columns.FirstOrDefault(d => string.Equals(d.Name, c.Name, StringComparison.OrdinalIgnoreCase)) is not { Nullable: false })
            .Where(c =>
            {
                var before = published
                    .Select(h => (h.Rows, Column: h.Columns.FirstOrDefault(p => string.Equals(p.Name, c.Name, StringComparison.OrdinalIgnoreCase))))
                    .Where(h => h.Column is not null)
                    .ToList();
                return before.Count > 0 && before.All(h => h.Column!.Nulls < h.Rows);
            })
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>
    /// Under ignore nothing is recorded, so the same new columns would be reported on every run;
    /// they are reported when they first appear (the previous observation did not have them).
    /// </summary>
    private static bool AlreadyReported(ContractDiff diff, NewFieldsPolicy policy, IReadOnlyList<ContractObservation> history) =>
        policy == NewFieldsPolicy.Ignore
        && diff.AlwaysNull.Count == 0
        && history.FirstOrDefault(h => !h.Drifted) is { } previous
        && diff.Added.All(a => previous.Columns.Any(c => string.Equals(c.Name, a.Name, StringComparison.OrdinalIgnoreCase) && ColumnTypes.Same(c.Type, a.Type)));

    private string Message(string dataset, DatasetDefinition? declared, ContractVersion? current, ContractDiff diff, IReadOnlyList<ColumnDefinition> columns, NewFieldsPolicy policy, bool breaks)
    {
        var what = declared is not null
            ? $"dataset '{dataset}' does not match its declared schema ({declared.Location})"
            : $"dataset '{dataset}' does not match its contract (version {current!.Version}, {current.Origin}{From(current)})";
        var text = $"{what}: {diff.Describe()}";
        if (diff.Removed.Count > 0 || diff.Retyped.Count > 0)
        {
            var present = string.Join(", ", columns.Take(MaxListed).Select(c => $"{c.Name} ({c.Type})")) + (columns.Count > MaxListed ? $", ... ({columns.Count} in all)" : string.Empty);
            text += $" Columns present: {present}.";
        }

        if (!breaks)
        {
            return diff.Added.Count == 0 ? text
                : policy == NewFieldsPolicy.Evolve ? $"{text} on_new_fields: evolve publishes the new column(s) and records the next contract version."
                : $"{text} on_new_fields: ignore publishes the new column(s); the contract stays as it was.";
        }

        var fix = declared is not null
            ? diff.Removed.Count == 0 && diff.Retyped.Count == 0
                ? $" Declare the new column(s) at {declared.Location}, or set on_new_fields: evolve (or ignore) on the task."
                : $" If the change is intended, update the declared columns at {declared.Location} (and what reads them); otherwise fix what writes the dataset."
            : $" If the change is intended, run 'sluice contract accept {PipelineArgument} {dataset}' and rerun the interval"
                + (diff.Removed.Count == 0 && diff.Retyped.Count == 0 ? " (or set on_new_fields: evolve on the task)" : string.Empty)
                + "; otherwise fix what writes the dataset.";
        return text + fix + " Nothing was published.";
    }

    /// <summary>How the CLI finds this pipeline: its file as it was loaded (a name only works from where name lookup finds it).</summary>
    private string PipelineArgument => pipeline.Location.Line > 0 ? pipeline.Location.File : pipeline.Name;

    private static string From(ContractVersion version) =>
        version.RunId is { } run ? $" from run {run}{(version.LogicalDate is { } date ? " for " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)}" : string.Empty;

    private ContractVersion NewVersion(string dataset, IReadOnlyList<ColumnDefinition> columns, string origin, string? change) => new()
    {
        Pipeline = pipeline.Name,
        Dataset = dataset,
        Columns = columns.Select(c => new ColumnDefinition(c.Name, c.Type)).ToList(),
        Origin = origin,
        CreatedAt = time.GetUtcNow(),
        RunId = runId,
        LogicalDate = interval.LogicalDate,
        Change = change,
    };
}
