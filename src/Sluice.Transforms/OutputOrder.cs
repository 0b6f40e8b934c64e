using Sluice.Connectors;
using Sluice.Model;
using Sluice.Transforms.Steps;

namespace Sluice.Transforms;

/// <summary>
/// Whether a steps task writes its output in input order (<c>preserve_order</c>). Set, the option
/// decides. Unset, the order is kept (as pandas keeps it) unless every task that reads the output is
/// a steps task that aggregates before any step that needs input order: the aggregate puts its groups
/// in key order whatever order the rows came in, so sorting millions of rows for it is wasted. Then
/// the final sort is skipped and DuckDB writes the Parquet file without keeping insertion order.
/// </summary>
internal static class OutputOrder
{
    public const string Option = "preserve_order";

    public static bool Kept(TaskContext context) =>
        Kept(context.Pipeline, context.Task, context.Options.Has(Option) ? context.Options.GetBool(Option) : null);

    public static bool Kept(PipelineDefinition pipeline, TaskDefinition task, bool? preserveOrder)
    {
        if (preserveOrder is { } set)
        {
            return set;
        }

        var output = task.Outputs[0];
        var readers = pipeline.Tasks.Where(t => t.Inputs.Contains(output)).ToList();
        return readers.Count == 0 || !readers.All(AggregatesFirst);
    }

    /// <summary>A steps task whose steps reach an aggregate before any step that needs input order.</summary>
    private static bool AggregatesFirst(TaskDefinition reader)
    {
        if (reader.Kind != TaskKind.Transform || reader.Connector != "steps")
        {
            return false;
        }

        var errors = new List<Validation.PipelineError>();
        var steps = StepParser.Parse(reader.Options.Find("steps"), reader.Location, errors);
        var first = steps.FirstOrDefault(s => s is AggregateStep || s.NeedsInputOrder);
        return errors.Count == 0 && first is AggregateStep;
    }
}
