using System.CommandLine;
using System.Globalization;
using Sluice.Contracts;
using Sluice.Model;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice contract show|diff|accept</c>: the recorded schema contracts of a pipeline's datasets,
/// what changed between versions or in the last run, and accepting an intended change.
/// </summary>
internal static class ContractCommand
{
    public static Command Create() => new("contract", "Show, compare and accept the schema contracts of a pipeline's datasets.")
    {
        Show(),
        Diff(),
        Accept(),
    };

    private static Command Show()
    {
        var pipeline = CommonOptions.Pipeline();
        var dataset = new Argument<string?>("dataset") { Description = "One dataset (default: every dataset the pipeline writes).", Arity = ArgumentArity.ZeroOrOne };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("show", "The current contract of each dataset: its version, columns and version history.") { pipeline, dataset, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            await using var opened = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), SluiceHost.StateDirectory(parse.GetValue(stateDir))), cancellationToken);
            var store = Contracts(opened);
            var versions = await store.ContractVersionsAsync(definition.Name, parse.GetValue(dataset), cancellationToken);
            var names = parse.GetValue(dataset) is { } one
                ? [CheckDataset(definition, one, versions)]
                : Written(definition).Concat(versions.Select(v => v.Dataset)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                var history = versions.Where(v => v.Dataset == name).ToList();
                var latest = (await store.RecentObservationsAsync(definition.Name, name, 1, cancellationToken)).FirstOrDefault();
                PrintContract(definition, parse.GetValue(pipeline)!, name, history, latest);
            }

            return 0;
        }));
        return command;
    }

    private static Command Diff()
    {
        var pipeline = CommonOptions.Pipeline();
        var dataset = new Argument<string>("dataset") { Description = "The dataset." };
        var versions = new Option<int[]>("--version") { Description = "A version to compare; give it twice to compare two versions (default: the current version with the last observed schema, or with the version before it).", AllowMultipleArgumentsPerToken = false };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("diff", "What changed in a dataset's schema: between two versions, or from the current version to what the last run wrote.") { pipeline, dataset, versions, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var name = parse.GetValue(dataset)!;
            await using var opened = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), SluiceHost.StateDirectory(parse.GetValue(stateDir))), cancellationToken);
            var store = Contracts(opened);
            var history = await store.ContractVersionsAsync(definition.Name, name, cancellationToken);
            CheckDataset(definition, name, history);
            var asked = parse.GetValue(versions) ?? [];
            if (asked.Length > 2)
            {
                throw new SluiceException("give --version at most twice: the version to compare from and the one to compare to.");
            }

            var (fromLabel, from, toLabel, to) = asked.Length switch
            {
                0 => await DefaultPairAsync(store, definition.Name, name, history, cancellationToken),
                1 => (Label(Find(history, asked[0], name)), Find(history, asked[0], name).Columns, Label(Last(history, name)), Last(history, name).Columns),
                _ => (Label(Find(history, asked[0], name)), Find(history, asked[0], name).Columns, Label(Find(history, asked[1], name)), Find(history, asked[1], name).Columns),
            };
            Console.WriteLine($"{name}: {fromLabel} -> {toLabel}");
            PrintDiff(ContractDiff.Compare(from, to, "was"));
            return 0;
        }));
        return command;
    }

    private static Command Accept()
    {
        var pipeline = CommonOptions.Pipeline();
        var dataset = new Argument<string>("dataset") { Description = "The dataset whose last observed schema becomes its contract." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("accept", "Accept the schema the last run wrote (for example after a drift failed it) as the dataset's next contract version, so the next run passes.") { pipeline, dataset, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var name = parse.GetValue(dataset)!;
            await using var opened = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), SluiceHost.StateDirectory(parse.GetValue(stateDir))), cancellationToken);
            var store = Contracts(opened);
            var history = await store.ContractVersionsAsync(definition.Name, name, cancellationToken);
            CheckDataset(definition, name, history);
            var observed = (await store.RecentObservationsAsync(definition.Name, name, 1, cancellationToken)).FirstOrDefault()
                ?? throw new SluiceException($"no run has written '{name}' yet, so there is nothing to accept; its first successful run records its contract.");
            var columns = observed.Columns.Select(c => new ColumnDefinition(c.Name, c.Type)).ToList();
            var current = history.LastOrDefault();
            var diff = ContractDiff.Compare(current?.Columns ?? [], columns, "was");
            if (current is not null && !diff.ChangesSchema)
            {
                Console.WriteLine($"{name}: the last observed schema (run {observed.RunId} for {Date(observed.LogicalDate)}) already is version {current.Version}; nothing to accept.");
                return 0;
            }

            var accepted = await store.AddContractVersionAsync(
                new ContractVersion
                {
                    Pipeline = definition.Name,
                    Dataset = name,
                    Columns = columns,
                    Origin = ContractOrigins.Accepted,
                    CreatedAt = DateTimeOffset.UtcNow,
                    RunId = observed.RunId,
                    LogicalDate = observed.LogicalDate,
                    Change = current is null ? null : string.Join("; ", diff.Problems),
                },
                current?.Version ?? 0,
                cancellationToken) ?? throw new SluiceException($"the contract of '{name}' changed while accepting; look at it with 'sluice contract show {definition.Name} {name}' and try again.");
            Console.WriteLine($"{name}: accepted the schema of run {observed.RunId} for {Date(observed.LogicalDate)} as version {accepted.Version}; the next run is compared with it.");
            if (current is not null)
            {
                PrintDiff(diff);
            }

            if (definition.FindDataset(name) is { Columns.Count: > 0 } declared)
            {
                Console.WriteLine($"note: '{name}' declares its columns at {declared.Location}; those are still enforced as written, and the accepted version governs only the columns beyond them.");
            }

            return 0;
        }));
        return command;
    }

    private static async Task<(string, IReadOnlyList<ColumnDefinition>, string, IReadOnlyList<ColumnDefinition>)> DefaultPairAsync(
        IContractStore store, string pipeline, string dataset, IReadOnlyList<ContractVersion> history, CancellationToken cancellationToken)
    {
        var current = Last(history, dataset);
        var observed = (await store.RecentObservationsAsync(pipeline, dataset, 1, cancellationToken)).FirstOrDefault();
        if (observed is not null && ContractDiff.Compare(current.Columns, Columns(observed), "was").ChangesSchema)
        {
            return (Label(current), current.Columns, $"last observed (run {observed.RunId} for {Date(observed.LogicalDate)}{(observed.Drifted ? ", failed" : string.Empty)})", Columns(observed));
        }

        var previous = history.Count > 1 ? history[^2] : null;
        return previous is null
            ? (Label(current), current.Columns, "last observed (the same)", current.Columns)
            : (Label(previous), previous.Columns, Label(current), current.Columns);
    }

    private static void PrintContract(PipelineDefinition pipeline, string argument, string dataset, IReadOnlyList<ContractVersion> history, ContractObservation? latest)
    {
        var declared = pipeline.FindDataset(dataset) is { Columns.Count: > 0 } d ? d : null;
        var current = history.LastOrDefault();
        if (current is null && declared is null)
        {
            Console.WriteLine($"{dataset}: no contract yet; its first successful run records one.");
            Console.WriteLine();
            return;
        }

        Console.WriteLine(current is null
            ? $"{dataset}: declared at {declared!.Location}"
            : $"{dataset}: {Label(current)}{(declared is null ? string.Empty : $"; columns declared at {declared.Location} are enforced as written")}");
        var columns = current?.Columns ?? declared!.Columns;
        var width = columns.Max(c => c.Name.Length);
        foreach (var column in columns)
        {
            Console.WriteLine($"  {column.Name.PadRight(width)}  {column.Type}");
        }

        if (history.Count > 0)
        {
            Console.WriteLine("  history:");
            foreach (var version in history)
            {
                Console.WriteLine($"    v{version.Version}  {Origin(version)}{(version.Change is { } change ? ": " + change : $": {version.Columns.Count} column(s)")}");
            }
        }

        if (latest is { Drifted: true })
        {
            Console.WriteLine($"  last run (run {latest.RunId} for {Date(latest.LogicalDate)}) failed on drift; see 'sluice contract diff {argument} {dataset}', and 'sluice contract accept {argument} {dataset}' if the change is intended.");
        }

        Console.WriteLine();
    }

    private static void PrintDiff(ContractDiff diff)
    {
        if (!diff.ChangesSchema)
        {
            Console.WriteLine("  no change");
            return;
        }

        foreach (var column in diff.Removed)
        {
            Console.WriteLine($"  - {column.Name} {column.Type}");
        }

        foreach (var column in diff.Added)
        {
            Console.WriteLine($"  + {column.Name} {column.Type}");
        }

        foreach (var change in diff.Retyped)
        {
            Console.WriteLine($"  ~ {change.Name} {change.From} -> {change.To}");
        }

        foreach (var rename in diff.Renamed)
        {
            Console.WriteLine($"  {rename.Text}");
        }
    }

    /// <summary>The datasets the pipeline's tasks write (not quarantine sets), in run order.</summary>
    private static IEnumerable<string> Written(PipelineDefinition pipeline) =>
        PipelineGraph.Of(pipeline).RunOrder.SelectMany(t => t.Outputs);

    private static string CheckDataset(PipelineDefinition pipeline, string dataset, IReadOnlyList<ContractVersion> versions)
    {
        var known = Written(pipeline).ToList();
        if (!known.Contains(dataset, StringComparer.Ordinal) && versions.Count == 0)
        {
            throw new SluiceException($"pipeline '{pipeline.Name}' " + Validation.Suggestions.UnknownName("dataset", dataset, known, "among the datasets its tasks write"));
        }

        return dataset;
    }

    private static ContractVersion Find(IReadOnlyList<ContractVersion> history, int version, string dataset) =>
        history.FirstOrDefault(v => v.Version == version)
        ?? throw new SluiceException($"'{dataset}' has no contract version {version}; it has {(history.Count == 0 ? "none yet" : "versions " + string.Join(", ", history.Select(v => v.Version)))}.");

    private static ContractVersion Last(IReadOnlyList<ContractVersion> history, string dataset) =>
        history.LastOrDefault() ?? throw new SluiceException($"'{dataset}' has no recorded contract yet; its first successful run records one.");

    private static IReadOnlyList<ColumnDefinition> Columns(ContractObservation observation) =>
        observation.Columns.Select(c => new ColumnDefinition(c.Name, c.Type)).ToList();

    private static string Label(ContractVersion version) => $"version {version.Version}, {Origin(version)}";

    private static string Origin(ContractVersion version) =>
        version.Origin + (version.RunId is { } run ? $" from run {run} for {(version.LogicalDate is { } d ? Date(d) : "?")}" : string.Empty)
        + $", {version.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IContractStore Contracts(Sluice.State.IMetadataStore store) =>
        store as IContractStore ?? throw new SluiceException($"this metadata store ({store.GetType().Name}) keeps no dataset contracts yet; contracts live in the SQLite store of the state folder.");
}
