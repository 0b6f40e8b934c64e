using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Transforms.Steps;
using Sluice.Validation;

namespace Sluice.Transforms;

/// <summary>
/// <c>transform: steps</c>. A list of built-in steps over the first input, compiled to one DuckDB query.
/// Each step's columns are checked against the actual schema before any data moves, and the error
/// names the step, the column and the columns that exist.
/// </summary>
public sealed class StepsTransform(DuckDbSettings? settings = null) : IConnector, IFusingConsumer
{
    public string Name => "steps";

    public TaskKind Kind => TaskKind.Transform;

    public string Description => "Built-in cleaning steps (drop_duplicates, fill_null, outliers, normalize, map_values, join, aggregate...) over the first input.";

    public bool SupportsQuarantine => true;

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("steps", OptionKind.Structure, $"The steps, in order: {string.Join(", ", StepParser.Names)}.") { Required = true },
        new(OutputOrder.Option, OptionKind.Boolean, "Write rows in input order (after an aggregate: in group order). Unset: kept, unless every task reading the output aggregates before needing order."),
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if (task.Inputs.Count == 0 || task.Outputs.Count != 1)
        {
            yield return "transform 'steps' reads at least one input (the first is the one transformed) and writes exactly one output.";
        }
    }

    public IEnumerable<PipelineError> ValidateLocated(TaskDefinition task, PipelineDefinition pipeline)
    {
        var errors = new List<PipelineError>();
        var steps = StepParser.Parse(task.Options.Find("steps"), task.Location, errors);
        foreach (var dataset in steps.SelectMany(s => s.ReferencedDatasets.Select(d => (Step: s, Dataset: d))))
        {
            if (!task.Inputs.Contains(dataset.Dataset))
            {
                errors.Add(new PipelineError(dataset.Step.Location, $"{dataset.Step.Describe} reads dataset '{dataset.Dataset}', which is not an input of this task; add it to 'inputs'."));
            }
        }

        if (errors.Count == 0 && StepsDryRun.Problem(task, pipeline, steps, Options, settings) is { } problem)
        {
            errors.Add(problem);
        }

        return errors;
    }

    /// <summary>
    /// In place only for the first input, when the task quarantines nothing and the input's order cannot
    /// show: no step before the first aggregate needs it (<see cref="Step.NeedsInputOrder"/>), and either
    /// an aggregate numbers the rows anew or the output's order is not kept (<see cref="OutputOrder"/>).
    /// </summary>
    public bool CanReadFused(TaskDefinition consumer, string dataset, PipelineDefinition pipeline)
    {
        if (consumer.Inputs.Count == 0 || consumer.Inputs[0] != dataset || consumer.EffectiveQuarantineOutput is not null)
        {
            return false;
        }

        var errors = new List<PipelineError>();
        var steps = StepParser.Parse(consumer.Options.Find("steps"), consumer.Location, errors).ToList();
        var aggregate = steps.FindIndex(s => s is AggregateStep);
        var preserveOrder = consumer.Options.Find(OutputOrder.Option) is ScalarOption { Value: var text } ? OptionParsing.ParseBool(text) : null;
        return errors.Count == 0
            && steps.Take(aggregate < 0 ? steps.Count : aggregate).All(s => !s.NeedsInputOrder)
            && (aggregate >= 0 || !OutputOrder.Kept(pipeline, consumer, preserveOrder));
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var errors = new List<PipelineError>();
        var steps = StepParser.Parse(context.Task.Options.Find("steps"), context.Task.Location, errors);
        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors);
        }

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var plan = await new StepCompiler(session, context).CompileAsync(steps, cancellationToken);
        using var fused = plan.Fused;
        var output = context.Task.Outputs[0];
        var kept = OutputOrder.Kept(context);
        var order = kept && steps.Any(s => s is AggregateStep) ? $" ORDER BY {StepInput.RowNumber}" : string.Empty;
        if (!kept)
        {
            // Nothing reads this order: DuckDB may write the file from all threads as rows come.
            await session.ExecuteAsync("SET preserve_insertion_order = false", [], cancellationToken);
        }

        var rows = await session.CopyToParquetAsync($"SELECT * EXCLUDE ({StepInput.RowNumber}) FROM {plan.Final}{order}", [], context.OutputPath(output), cancellationToken);
        if (fused is not null)
        {
            // Before anything is logged: a read that was not clean runs again, staged.
            await fused.CompleteAsync(cancellationToken);
        }

        var quarantined = await plan.WriteRejectsAsync(context, cancellationToken);
        await plan.ReportAsync(cancellationToken);
        return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = rows }, RowsQuarantined = quarantined };
    }
}
