using System.Globalization;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Transforms.Steps;

namespace Sluice.Transforms;

/// <summary>The compiled chain of views, with the rows steps set aside and the counts to report.</summary>
internal sealed class StepPlan(DuckDbSession session, TaskContext context)
{
    private readonly List<(Step Step, string Query)> _rejects = [];
    private readonly List<(string Message, string Query, bool Fail)> _diagnostics = [];
    private readonly List<(AssertStep Step, string Violations, string? Examples)> _assertions = [];

    public string Final { get; set; } = "s0";

    /// <summary>The primary input read in place from its source task, or null when it is staged.</summary>
    public FusedRelation? Fused { get; init; }

    public void Add(Step step, string? rejects, IEnumerable<(string Message, string CountQuery, bool Fail)> diagnostics)
    {
        if (rejects is not null)
        {
            _rejects.Add((step, rejects));
        }

        _diagnostics.AddRange(diagnostics);
    }

    public void Assert(AssertStep step, StepInput input) => _assertions.Add((step, step.Violations(input), step.ExampleRows(input)));

    /// <summary>Steps whose policy is to fail stop the task here, before anything is written.</summary>
    public async Task FailOnRejectsAsync(bool dryRun, CancellationToken cancellationToken)
    {
        foreach (var (step, violations, examples) in _assertions)
        {
            await FailOnAssertionAsync(step, violations, examples, dryRun, cancellationToken);
        }

        foreach (var (message, query, _) in _diagnostics.Where(d => d.Fail))
        {
            var count = await session.ScalarAsync<long>(query, [], cancellationToken);
            if (count > 0)
            {
                throw new BadDataException($"task '{context.Task.Id}': " + string.Format(CultureInfo.InvariantCulture, message, count) + "; nothing was written.");
            }
        }

        foreach (var (step, query) in _rejects.Where(r => r.Step is NormalizeStep { OnError: "fail" }))
        {
            var count = await session.ScalarAsync<long>($"SELECT count(*) FROM ({query})", [], cancellationToken);
            if (count == 0)
            {
                continue;
            }

            var examples = await session.QueryAsync($"SELECT * FROM ({query}) ORDER BY {StepInput.RowNumber} LIMIT 5", [], cancellationToken);
            var listed = examples.Select(r => $"row {Convert.ToInt64(r[0], CultureInfo.InvariantCulture) + 1}: {r[1]} = '{r[2]}'");
            throw new BadDataException(
                $"{step.Describe} in task '{context.Task.Id}': {count} value(s) {examples[0][3]}: {string.Join("; ", listed)}. " +
                "Add the right format, or set on_error: null or quarantine (with the task's on_bad_rows: quarantine).");
        }
    }

    private async Task FailOnAssertionAsync(AssertStep step, string violations, string? examples, bool dryRun, CancellationToken cancellationToken)
    {
        long count;
        try
        {
            if (dryRun)
            {
                await session.DescribeAsync($"({violations})", [], cancellationToken);
                return;
            }

            count = await session.ScalarAsync<long>(violations, [], cancellationToken);
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (DuckDbErrors.IsPermanent(e))
        {
            throw new NonRetryableException($"{step.Describe} in task '{context.Task.Id}': the condition '{step.Condition}' does not run: {DuckDbErrors.FirstLine(e.Message)}");
        }

        if (count == 0)
        {
            return;
        }

        if (examples is null)
        {
            throw new BadDataException($"{step.Describe} in task '{context.Task.Id}': {step.Message} (aggregate condition '{step.Condition}' is false); nothing was written.");
        }

        var rows = await session.QueryAsync(examples, [], cancellationToken);
        var columns = (await session.DescribeAsync($"({examples})", [], cancellationToken)).Select(c => c.Name).ToList();
        var listed = rows.Select(r => "{" + string.Join(", ", columns.Select((c, i) => $"{c}: {Convert.ToString(r[i], CultureInfo.InvariantCulture) ?? "NULL"}")) + "}");
        throw new BadDataException(
            $"{step.Describe} in task '{context.Task.Id}': {step.Message}: {count} row(s) break '{step.Condition}', e.g. {string.Join("; ", listed)}; nothing was written.");
    }

    /// <summary>Writes quarantined rows (row, column, value, reason, step) when the task quarantines.</summary>
    public async Task<long> WriteRejectsAsync(TaskContext task, CancellationToken cancellationToken)
    {
        if (task.Task.EffectiveQuarantineOutput is not { } output)
        {
            return 0;
        }

        var parts = _rejects.Where(r => r.Step is NormalizeStep { OnError: "quarantine" })
            .Select(r => $"SELECT {StepInput.RowNumber} + 1 AS row_number, column_name, value, reason, {SqlText.Literal(r.Step.Describe)} AS step FROM ({r.Query})")
            .DefaultIfEmpty("SELECT NULL::BIGINT AS row_number, NULL::VARCHAR AS column_name, NULL::VARCHAR AS value, NULL::VARCHAR AS reason, NULL::VARCHAR AS step WHERE false");
        return await session.CopyToParquetAsync(string.Join(" UNION ALL ", parts), [], task.OutputPath(output), cancellationToken);
    }

    public async Task ReportAsync(CancellationToken cancellationToken)
    {
        foreach (var (message, query, _) in _diagnostics.Where(d => !d.Fail))
        {
            var count = await session.ScalarAsync<long>(query, [], cancellationToken);
            if (count > 0)
            {
                context.Log(string.Format(CultureInfo.InvariantCulture, message, count));
            }
        }
    }
}
