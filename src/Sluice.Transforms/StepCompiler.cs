using DuckDB.NET.Data;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Transforms.Steps;
using Sluice.Validation;

namespace Sluice.Transforms;

/// <summary>
/// Turns steps into a chain of DuckDB views over the staged input, checking each step's columns
/// against the schema of the view before it, so mistakes surface before any data is written.
/// </summary>
internal sealed class StepCompiler(DuckDbSession session, TaskContext context)
{
    /// <summary>Validation over empty inputs: assertions are compiled, not evaluated (an empty day proves nothing).</summary>
    public bool DryRun { get; init; }

    private readonly StepValues _values = new();

    public async Task<StepPlan> CompileAsync(IReadOnlyList<Step> steps, CancellationToken cancellationToken)
    {
        _values.RenderSql = sql =>
        {
            // {{ ds }} in a filter or derive becomes a session variable, as views cannot take parameters.
            var rendered = context.Templates.RenderSql(sql, context.Task.Location, name => $"\u0001{name}\u0001");
            var text = rendered.Sql;
            foreach (var parameter in rendered.Parameters)
            {
                text = text.Replace($"\u0001{parameter.Name}\u0001", _values.Bind(parameter.Value ?? string.Empty), StringComparison.Ordinal);
            }

            return text;
        };

        var primary = context.Task.Inputs[0];
        if (steps.OfType<NormalizeStep>().FirstOrDefault(s => s.OnError == "quarantine") is { } quarantining && context.Task.EffectiveQuarantineOutput is null)
        {
            // Otherwise the rows would leave the output and go nowhere.
            throw new NonRetryableException($"{quarantining.Describe} in task '{context.Task.Id}' sets on_error: quarantine, but the task has no 'on_bad_rows: quarantine' to receive the rows; add it to the task, or use on_error: null or fail.");
        }

        // Time zone dependent SQL (date_trunc or CAST of TIMESTAMPTZ values) gives the same answer on every machine.
        await session.ExecuteAsync("SET TimeZone = 'UTC'", [], cancellationToken);
        var fused = await FusedRelation.BindAsync(session, context, primary, "__sluice_input", cancellationToken, ", file_row_number = true");
        try
        {
            return await CompileStepsAsync(steps, primary, fused, cancellationToken);
        }
        catch
        {
            fused?.Dispose();
            throw;
        }
    }

    private async Task<StepPlan> CompileStepsAsync(IReadOnlyList<Step> steps, string primary, FusedRelation? fused, CancellationToken cancellationToken)
    {
        // A fused read is not numbered: the task reads it in place only when no step needs the input order (CanReadFused).
        await session.ExecuteAsync(
            fused is null
                ? $"CREATE TEMP VIEW s0 AS SELECT * EXCLUDE (file_row_number), file_row_number AS {StepInput.RowNumber} FROM __sluice_input"
                : $"CREATE TEMP VIEW s0 AS SELECT *, 0::BIGINT AS {StepInput.RowNumber} FROM __sluice_input",
            [],
            cancellationToken);
        foreach (var (other, index) in context.Task.Inputs.Skip(1).Select((d, i) => (d, i)))
        {
            // Numbered like the primary input, so rows a join multiplies can keep the right side's order.
            var raw = $"__sluice_input_{index + 1}";
            await session.BindViewAsync(raw, "read_parquet", context.InputPath(other), cancellationToken, ", file_row_number = true");
            await session.ExecuteAsync($"CREATE TEMP VIEW {SqlText.Identifier(other)} AS SELECT * EXCLUDE (file_row_number), file_row_number AS {StepInput.RowNumber} FROM {raw}", [], cancellationToken);
        }

        var plan = new StepPlan(session, context) { Fused = fused };
        var columns = await session.DescribeAsync("SELECT * FROM s0", [], cancellationToken);
        var relation = "s0";
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            CheckColumns(step, columns, primary);
            if (step is JoinStep join)
            {
                join.RightColumns = await CheckJoinAsync(join, columns, cancellationToken);
            }

            // A staged input is only a scan of its file; a fused one parses the source again on every read.
            if ((relation != "s0" || fused is not null) && step.RereadsInput(new StepInput(relation, columns, _values)))
            {
                var needed = Needed(steps, i, columns);
                relation = await StoreAsync(relation, needed, cancellationToken);
                columns = needed is null ? columns : columns.Where(c => needed.Contains(c.Name)).ToList();
            }

            var input = new StepInput(relation, columns, _values);
            var sql = step.Compile(input);
            var rejects = step.Rejects(input);
            var diagnostics = step.Checks(input).Concat(step.Diagnostics(input)).ToList();
            await PublishValuesAsync(cancellationToken);
            try
            {
                await session.ExecuteAsync($"CREATE TEMP VIEW s{i + 1} AS {sql}", [], cancellationToken);
                columns = await session.DescribeAsync($"SELECT * FROM s{i + 1}", [], cancellationToken);
            }
            catch (DuckDBException e)
            {
                throw new NonRetryableException($"{step.Describe} in task '{context.Task.Id}' does not fit its input: {DuckDbErrors.FirstLine(e.Message)} Columns at this step: {string.Join(", ", Visible(columns))}.");
            }

            plan.Add(step, rejects, diagnostics);
            if (step is AssertStep assertion)
            {
                plan.Assert(assertion, input);
            }

            relation = $"s{i + 1}";
        }

        plan.Final = await FinalAsync(new StepInput($"s{steps.Count}", columns, _values), steps.All(s => s.KeepsRowOrder), cancellationToken);
        await plan.FailOnRejectsAsync(DryRun, cancellationToken);
        return plan;
    }

    /// <summary>
    /// Stores a relation of the chain once, as a temporary table, for a step that would otherwise run
    /// the chain above it again: its own query reads its input twice (a median, IQR bounds, a semi-join),
    /// or the rows it rejects and the counts it reports are queries of their own. Storing costs one
    /// write of the rows (spilled to the temp directory past the memory limit); re-running costs every
    /// step above, once per query. A staged input itself (s0) is only a scan and is never stored.
    /// A table keeps the order it was filled in, so steps that keep row order still do.
    /// </summary>
    private async Task<string> StoreAsync(string relation, IReadOnlyList<string>? columns, CancellationToken cancellationToken)
    {
        await PublishValuesAsync(cancellationToken);
        var table = relation + "_stored";
        var select = columns is null ? "*" : string.Join(", ", columns.Select(StepInput.Q));
        await session.ExecuteAsync($"CREATE TEMP TABLE {table} AS SELECT {select} FROM {relation}", [], cancellationToken);
        return table;
    }

    /// <summary>
    /// The columns of <paramref name="columns"/> that the steps from <paramref name="from"/> on can
    /// still read, when an aggregate or a select ahead keeps only the ones named and no step before it
    /// may read others (user SQL, a duplicate check over every column); else null, for all of them.
    /// A stored copy then leaves out what nothing reads, and DuckDB does not compute it. Rows set aside
    /// for quarantine keep every column, so a task that quarantines stores everything.
    /// The steps in between create no columns, so every name they read is already there.
    /// </summary>
    private IReadOnlyList<string>? Needed(IReadOnlyList<Step> steps, int from, IReadOnlyList<(string Name, string Type)> columns)
    {
        if (context.Task.EffectiveQuarantineOutput is not null)
        {
            return null;
        }

        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var step in steps.Skip(from))
        {
            if (!step.ReadsOnlyReferencedColumns)
            {
                return null;
            }

            read.UnionWith(step.ReferencedColumns);
            if (step.KeepsOnlyReferencedColumns)
            {
                if (read.Any(r => !columns.Any(c => string.Equals(c.Name, r, StringComparison.OrdinalIgnoreCase))))
                {
                    // A misspelt column: its error lists every column there is, to suggest the right one.
                    return null;
                }

                var kept = columns.Select(c => c.Name).Where(n => StepInput.IsHidden(n) || read.Contains(n)).ToList();
                return kept.Count == columns.Count ? null : kept;
            }
        }

        return null;
    }

    /// <summary>
    /// The last view, in input row order unless the order is not kept (see <see cref="OutputOrder"/>; window functions and
    /// joins do not keep it by themselves), without the join order columns; it keeps the row number.
    /// When every step only projects and filters, DuckDB already keeps the input order (it reads one
    /// Parquet file in order and preserves insertion order), so the sort of every row is skipped.
    /// </summary>
    private async Task<string> FinalAsync(StepInput last, bool inInputOrder, CancellationToken cancellationToken)
    {
        var extra = last.Names.Where(n => StepInput.IsHidden(n) && n != StepInput.RowNumber).Select(StepInput.Q).ToList();
        var exclude = extra.Count == 0 ? string.Empty : $" EXCLUDE ({string.Join(", ", extra)})";
        var order = OutputOrder.Kept(context) && !inInputOrder ? $" ORDER BY {last.RowOrder()}" : string.Empty;
        await session.ExecuteAsync($"CREATE TEMP VIEW s_final AS SELECT *{exclude} FROM {last.Relation}{order}", [], cancellationToken);
        return "s_final";
    }

    private void CheckColumns(Step step, IReadOnlyList<(string Name, string Type)> columns, string dataset)
    {
        var names = Visible(columns).ToList();
        var missing = step.ReferencedColumns.FirstOrDefault(c => !names.Contains(c, StringComparer.OrdinalIgnoreCase));
        if (missing is not null)
        {
            throw new NonRetryableException($"{step.Describe} in task '{context.Task.Id}': " + Suggestions.UnknownName("column", missing, names, $"in the data coming from '{dataset}' at this step"));
        }
    }

    private async Task<IReadOnlyList<(string Name, string Type)>> CheckJoinAsync(JoinStep join, IReadOnlyList<(string Name, string Type)> left, CancellationToken cancellationToken)
    {
        var right = await session.DescribeAsync($"SELECT * FROM {SqlText.Identifier(join.Dataset)}", [], cancellationToken);
        var rightNames = Visible(right).ToList();
        foreach (var name in join.Keys.Select(k => k.Right).Concat(join.Select))
        {
            if (!rightNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new NonRetryableException($"{join.Describe} in task '{context.Task.Id}': " + Suggestions.UnknownName("column", name, rightNames, $"in dataset '{join.Dataset}'"));
            }
        }

        foreach (var (leftKey, rightKey) in join.Keys)
        {
            var rightType = right.First(c => string.Equals(c.Name, rightKey, StringComparison.OrdinalIgnoreCase)).Type;

            var leftType = left.First(c => string.Equals(c.Name, leftKey, StringComparison.OrdinalIgnoreCase)).Type;
            if (TypeFamily(leftType) != TypeFamily(rightType))
            {
                throw new NonRetryableException(
                    $"{join.Describe} in task '{context.Task.Id}': join keys of mismatched types: '{leftKey}' is {leftType} in the input, '{rightKey}' is {rightType} in '{join.Dataset}'. Cast one side first (step 'cast').");
            }
        }

        return right;
    }

    private static string TypeFamily(string type)
    {
        var t = type.ToUpperInvariant();
        return t switch
        {
            _ when t is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" => "integer",
            _ when t.StartsWith("DECIMAL", StringComparison.Ordinal) || t is "DOUBLE" or "FLOAT" or "REAL" => "number",
            _ when t.StartsWith("VARCHAR", StringComparison.Ordinal) => "text",
            _ when t.StartsWith("TIMESTAMP", StringComparison.Ordinal) => "timestamp",
            _ => t,
        };
    }

    private async Task PublishValuesAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, value) in _values.TakeNew())
        {
            await session.ExecuteAsync($"SET VARIABLE {name} = $v", [new("v", value)], cancellationToken);
        }
    }

    private static IEnumerable<string> Visible(IReadOnlyList<(string Name, string Type)> columns) =>
        columns.Select(c => c.Name).Where(n => !StepInput.IsHidden(n));
}
