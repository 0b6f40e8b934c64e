using Sluice.Checks;
using Sluice.Model;

namespace Sluice.Validation;

/// <summary>
/// Validates declared checks and metrics: the columns they name (against the dataset's declared
/// columns, when there are any), the datasets they compare with (written by the same task or one that
/// runs before it), unique names; and, given a check runner, that their SQL compiles.
/// </summary>
public static class CheckValidator
{
    public static void Check(PipelineDefinition pipeline, List<PipelineError> errors)
    {
        var graph = PipelineGraph.Of(pipeline);
        foreach (var dataset in pipeline.Datasets)
        {
            foreach (var duplicate in dataset.Checks.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            {
                errors.Add(new(duplicate.Last().Location, $"dataset '{dataset.Name}' has {duplicate.Count()} checks named '{duplicate.Key}'; give each a distinct 'name'."));
            }

            foreach (var check in dataset.Checks)
            {
                CheckColumns(dataset, check, errors);
                if (check.OtherDataset is { } other)
                {
                    CheckOtherDataset(pipeline, graph, dataset, check, other, errors);
                }

                CheckBounds(check, $"dataset '{dataset.Name}'", errors);
            }
        }

        foreach (var task in pipeline.Tasks.Where(t => t.Checks.Count > 0 || t.Metrics.Count > 0))
        {
            CheckTable(pipeline, graph, task, errors);
        }
    }

    /// <summary>Checks on a sink's table: columns are known only at run time; other datasets must be readable by the sink.</summary>
    private static void CheckTable(PipelineDefinition pipeline, PipelineGraph graph, TaskDefinition task, List<PipelineError> errors)
    {
        var owner = $"the table of task '{task.Id}'";
        if (task.Kind != TaskKind.Sink)
        {
            errors.Add(new(task.LocationOf("checks", "metrics"), $"task '{task.Id}': checks and metrics on a task audit the table a sink loads; declare this {task.Kind.ToString().ToLowerInvariant()}'s checks under 'datasets:' on the dataset it writes."));
            return;
        }

        foreach (var duplicate in task.Checks.GroupBy(c => c.Name).Where(g => g.Count() > 1))
        {
            errors.Add(new(duplicate.Last().Location, $"{owner} has {duplicate.Count()} checks named '{duplicate.Key}'; give each a distinct 'name'."));
        }

        var table = (task.Options.Find("table") as ScalarOption)?.Value;
        var readable = Ancestors(graph, task.Id);
        foreach (var check in task.Checks)
        {
            CheckBounds(check, owner, errors);
            if (check.OtherDataset is not { } other)
            {
                continue;
            }

            var option = check.Type == "reconcile" ? "with" : "to";
            if (graph.ProducerOf(other) is not { } writer)
            {
                errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on {owner}: " + Suggestions.UnknownName("dataset", other, pipeline.Tasks.SelectMany(t => t.AllOutputs))));
            }
            else if (!readable.Contains(writer))
            {
                errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on {owner}: dataset '{other}' is written by task '{writer}', which does not run before task '{task.Id}'. Add '{writer}' to its depends_on."));
            }
            else if (string.Equals(other, table, StringComparison.OrdinalIgnoreCase))
            {
                // Both would be a view of the same name in the check's SQL.
                errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on {owner}: dataset '{other}' has the table's name, so the check could not tell them apart; compare with the table in a check on dataset '{other}', or rename one."));
            }
        }
    }

    private static void CheckBounds(CheckDefinition check, string owner, List<PipelineError> errors)
    {
        if (check is { Type: "row_count", Min: { } min, Max: { } max } && long.TryParse(min, out var low) && long.TryParse(max, out var high) && low > high)
        {
            errors.Add(new(check.Location, $"check '{check.Name}' on {owner}: min {low} is above max {high}."));
        }
    }

    /// <summary>Compiles each <c>sql</c> check and metric of a dataset with declared columns against an empty table of them.</summary>
    public static async Task<IReadOnlyList<PipelineError>> ProbeAsync(PipelineDefinition pipeline, ICheckRunner runner, CancellationToken cancellationToken)
    {
        var errors = new List<PipelineError>();
        foreach (var dataset in pipeline.Datasets.Where(d => d.Columns.Count > 0))
        {
            foreach (var check in dataset.Checks.Where(c => c.Type == "sql" && c.Sql is not null))
            {
                if (await runner.ProbeAsync(dataset, check.Sql!, cancellationToken) is { } problem)
                {
                    errors.Add(new(check.LocationOf("query"), $"check '{check.Name}' on dataset '{dataset.Name}': its SQL does not compile: {problem}"));
                }
            }

            foreach (var metric in dataset.Metrics)
            {
                if (await runner.ProbeAsync(dataset, $"SELECT {metric.Expression} FROM {Quote(dataset.Name)}", cancellationToken) is { } problem)
                {
                    errors.Add(new(metric.Location, $"metric '{metric.Name}' of dataset '{dataset.Name}': '{metric.Expression}' does not compile: {problem}"));
                }
            }
        }

        return errors;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void CheckColumns(DatasetDefinition dataset, CheckDefinition check, List<PipelineError> errors)
    {
        if (dataset.Columns.Count == 0)
        {
            return; // checked at run time, against the columns the task actually wrote
        }

        var named = check.Columns.Select(c => (Column: c, Option: check.OptionLocations.ContainsKey("column") ? "column" : "columns"))
            .Concat(check.SumColumn is { } sum ? [(sum, "sum")] : []);
        foreach (var (column, option) in named)
        {
            if (!dataset.Columns.Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on dataset '{dataset.Name}': " + Suggestions.UnknownName("column", column, dataset.Columns.Select(c => c.Name))));
            }
        }
    }

    private static void CheckOtherDataset(PipelineDefinition pipeline, PipelineGraph graph, DatasetDefinition dataset, CheckDefinition check, string other, List<PipelineError> errors)
    {
        var option = check.Type == "reconcile" ? "with" : "to";
        if (graph.ProducerOf(other) is not { } otherWriter)
        {
            errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on dataset '{dataset.Name}': " + Suggestions.UnknownName("dataset", other, pipeline.Tasks.SelectMany(t => t.AllOutputs))));
            return;
        }

        if (graph.ProducerOf(dataset.Name) is { } writer && writer != otherWriter && !Ancestors(graph, writer).Contains(otherWriter))
        {
            errors.Add(new(check.LocationOf(option), $"check '{check.Name}' on dataset '{dataset.Name}': dataset '{other}' is written by task '{otherWriter}', which does not run before task '{writer}'. Add '{otherWriter}' to the depends_on of '{writer}', or check a dataset written earlier."));
        }

        if (check.Type == "relationships" && pipeline.FindDataset(other) is { Columns.Count: > 0 } target)
        {
            var key = check.OtherColumn ?? check.Columns.FirstOrDefault() ?? string.Empty;
            if (!target.Columns.Any(c => string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new(check.LocationOf(check.OtherColumn is null ? "column" : "field"), $"check '{check.Name}' on dataset '{dataset.Name}': dataset '{other}' " + Suggestions.UnknownName("column", key, target.Columns.Select(c => c.Name)) + (check.OtherColumn is null ? " Name its key column with 'field'." : string.Empty)));
            }
        }
    }

    private static HashSet<string> Ancestors(PipelineGraph graph, string taskId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(graph.Upstream(taskId));
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var up in graph.Upstream(next))
                {
                    pending.Push(up);
                }
            }
        }

        return seen;
    }
}
