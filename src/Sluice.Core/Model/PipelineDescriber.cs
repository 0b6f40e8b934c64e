using System.Text;
using Sluice.Validation;

namespace Sluice.Model;

/// <summary>
/// A pipeline as plain text, tasks in run order. Used by <c>sluice show</c>, and to compare pipelines
/// defined in YAML and in C#. Options appear as written, so <c>${SECRET}</c> is never expanded here.
/// </summary>
public static class PipelineDescriber
{
    public static string Describe(PipelineDefinition pipeline)
    {
        var text = new StringBuilder();
        text.AppendLine($"pipeline {pipeline.Name}");
        if (pipeline.Description is { } description)
        {
            text.AppendLine($"  {description.Trim()}");
        }

        text.AppendLine($"  interval: {pipeline.Interval.ToString().ToLowerInvariant()}, schedule: {pipeline.Schedule ?? "(manual)"} {pipeline.TimeZone}, start date: {pipeline.StartDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        text.AppendLine($"  retries: {pipeline.DefaultRetry.Retries} (delay {pipeline.DefaultRetry.Delay}, backoff x{pipeline.DefaultRetry.BackoffFactor}), max parallel tasks: {pipeline.MaxParallelTasks}");
        if (pipeline.ArtifactStore is { } store)
        {
            text.AppendLine($"  artifacts: {store.Location} ({(store.Connection is null ? "shared folder" : $"connection {store.Connection}")})");
        }

        foreach (var (name, value) in pipeline.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  param {name} = {value}");
        }

        foreach (var dataset in pipeline.Datasets)
        {
            text.AppendLine($"  dataset {dataset.Name}({string.Join(", ", dataset.Columns.Select(c => $"{c.Name} {c.Type}{(c.Nullable ? string.Empty : " NOT NULL")}"))})");
        }

        text.AppendLine();
        foreach (var task in PipelineGraph.Of(pipeline).RunOrder)
        {
            var upstream = PipelineGraph.Of(pipeline).Upstream(task.Id);
            text.AppendLine($"[{task.Id}] {task.Kind.ToString().ToLowerInvariant()}: {task.Connector}");
            if (upstream.Count > 0)
            {
                text.AppendLine($"    after:   {string.Join(", ", upstream)}");
            }

            if (task.Inputs.Count > 0)
            {
                text.AppendLine($"    reads:   {string.Join(", ", task.Inputs)}");
            }

            if (task.AllOutputs.Any())
            {
                text.AppendLine($"    writes:  {string.Join(", ", task.AllOutputs)}");
            }

            if (task.Retry is { } retry && retry != pipeline.DefaultRetry)
            {
                text.AppendLine($"    retries: {retry.Retries} (delay {retry.Delay}, backoff x{retry.BackoffFactor})");
            }

            if (task.Timeout is { } timeout)
            {
                text.AppendLine($"    timeout: {timeout}");
            }

            if (task.OnEmpty is { } onEmpty)
            {
                text.AppendLine($"    on_empty: {EmptyPolicies.Name(onEmpty)}");
            }

            if (task.OnNewFields is { } onNewFields)
            {
                text.AppendLine($"    on_new_fields: {NewFieldsPolicies.Name(onNewFields)}");
            }

            foreach (var (name, value) in task.Options.Entries)
            {
                AppendOption(text, name, value);
            }
        }

        return text.ToString();
    }

    /// <summary>A list of maps (<c>steps:</c>) is a sequence a reader follows item by item, so each item gets its own line.</summary>
    private static void AppendOption(StringBuilder text, string name, OptionValue value)
    {
        if (value is ListOption list && list.Items.Any(item => item is not ScalarOption))
        {
            text.AppendLine($"    {name}:");
            foreach (var item in list.Items)
            {
                text.AppendLine($"      - {Indent(Render(item), "        ")}");
            }

            return;
        }

        text.AppendLine($"    {name}: {Indent(Render(value), "      ")}");
    }

    private static string Indent(string rendered, string indent) =>
        rendered.Replace("\n", "\n" + indent, StringComparison.Ordinal).TrimEnd();

    private static string Render(OptionValue value) => value switch
    {
        ScalarOption s => s.Value?.Trim() ?? "null",
        ListOption l => "[" + string.Join(", ", l.Items.Select(Render)) + "]",
        MapOption m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Render(e.Value)}")) + "}",
        _ => string.Empty,
    };
}
