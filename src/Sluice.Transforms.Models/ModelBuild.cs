using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Transforms.Models;

/// <summary>What one model's build did.</summary>
internal sealed record ModelResult(ModelFile Model, string Relation, string How, long? RowsInserted, long? RowsDeleted, long? TableRows);

/// <summary>
/// One build of a list of models in one warehouse transaction: copy the referenced inputs into the
/// sources schema, build each model in order, stage the outputs, commit. Any failure rolls all of it back.
/// </summary>
internal sealed partial class ModelBuild(DuckDbSession session, TaskContext context, ModelProject project, DuckDbSettings? settings)
{
    private const string Batch = "temp.main.sluice_model_batch";
    private readonly string _schema = context.Options.GetRequiredString("schema");
    private readonly string _sourcesSchema = context.Options.GetRequiredString("sources_schema");
    private readonly bool _fullRefresh = context.Options.GetBool("full_refresh");

    public async Task<TaskOutcome> RunAsync(IReadOnlyList<ModelFile> order, CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, long>(StringComparer.Ordinal);
        long read = 0;
        await session.ExecuteAsync("BEGIN TRANSACTION", [], cancellationToken);
        try
        {
            foreach (var schema in order.Select(SchemaOf).Distinct(StringComparer.Ordinal))
            {
                await session.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(schema)}", [], cancellationToken);
            }

            read = await CopySourcesAsync(order, cancellationToken);
            var results = new List<ModelResult>();
            foreach (var model in order)
            {
                var result = await BuildAsync(model, cancellationToken);
                results.Add(result);
                context.Log(Describe(result));
                if (result.RowsInserted is { } rows)
                {
                    written[result.Relation] = rows;
                }
            }

            foreach (var (dataset, rows) in await StageOutputsAsync(results, cancellationToken))
            {
                written[dataset] = rows;
            }

            await session.ExecuteAsync("COMMIT", [], cancellationToken);
            context.Log($"committed {order.Count} model(s) to {Path.GetFileName(Database)}");
        }
        catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Outside a model: copying a source, staging an output, or the commit (a write-write conflict).
            await RollbackAsync();
            var message = $"task '{context.Task.Id}': building the models in {Database} failed, nothing was changed: {DuckDbErrors.FirstLine(e.Message)}";
            throw DuckDbErrors.IsPermanent(e) ? new NonRetryableException(message) : new SluiceException(message);
        }
        catch
        {
            await RollbackAsync();
            throw;
        }

        return new TaskOutcome { RowsRead = read, RowsWritten = written };
    }

    private string Database => context.ResolvePath(context.Options.GetRequiredString("database"));

    private string SchemaOf(ModelFile model) => model.Config.Schema ?? _schema;

    private string Relation(ModelFile model) => SqlText.Qualified(SchemaOf(model), model.Name);

    private string RelationName(ModelFile model) => $"{SchemaOf(model)}.{model.Name}";

    private string SourceRelation(string dataset) => SqlText.Qualified(_sourcesSchema, dataset);

    /// <summary>
    /// Staged inputs become tables of the warehouse, inside the transaction: a view model can read them
    /// after the staged files are gone, and a failed build rolls the copies back with the models.
    /// </summary>
    private async Task<long> CopySourcesAsync(IReadOnlyList<ModelFile> order, CancellationToken cancellationToken)
    {
        var datasets = order.SelectMany(m => m.Sources.Select(s => s.Dataset)).Distinct(StringComparer.Ordinal).ToList();
        if (datasets.Count == 0)
        {
            return 0;
        }

        await session.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(_sourcesSchema)}", [], cancellationToken);
        long total = 0;
        foreach (var dataset in datasets)
        {
            var target = SourceRelation(dataset);
            await session.ExecuteAsync($"CREATE OR REPLACE TABLE {target} AS SELECT * FROM read_parquet($path)", [new("path", context.InputPath(dataset))], cancellationToken);
            var rows = await session.ScalarAsync<long>($"SELECT count(*) FROM {target}", [], cancellationToken);
            total += rows;
            context.Log($"copied input '{dataset}' to {_sourcesSchema}.{dataset}: {rows} row(s)");
        }

        return total;
    }

    private async Task<ModelResult> BuildAsync(ModelFile model, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await ExistingTypeAsync(model, cancellationToken);
            return model.Config.Materialized switch
            {
                Materialization.View => await BuildViewAsync(model, existing, cancellationToken),
                Materialization.Table => await BuildTableAsync(model, existing, "table", cancellationToken),
                _ when _fullRefresh || existing != ObjectType.Table => await BuildTableAsync(model, existing, $"incremental, {(existing == ObjectType.Table ? "full refresh" : "first build")}", cancellationToken),
                _ => await BuildIncrementAsync(model, cancellationToken),
            };
        }
        catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            var first = DuckDbErrors.FirstLine(e.Message);
            var message = $"{Locate(model, e.Message)}: model '{model.Name}' ({model.Config.Describe()}) failed: {first}{(first.EndsWith('.') || first.EndsWith('!') ? string.Empty : ".")} "
                + "The transaction was rolled back; the warehouse is as it was before this task.";
            throw DuckDbErrors.IsPermanent(e) ? new NonRetryableException(message) : new SluiceException(message);
        }
    }

    private async Task<ModelResult> BuildViewAsync(ModelFile model, ObjectType existing, CancellationToken cancellationToken)
    {
        var query = Render(model, incremental: false);
        if (query.Parameters.Count > 0)
        {
            // Validation refuses variables in views; a view cannot hold bound values.
            throw new NonRetryableException($"{model.Location}: view model '{model.Name}' has template values, which a view cannot hold.");
        }

        await DropIfAsync(model, existing, ObjectType.Table, cancellationToken);
        await session.ExecuteAsync($"CREATE OR REPLACE VIEW {Relation(model)} AS {query.Sql}", [], cancellationToken);
        return new ModelResult(model, RelationName(model), "view", null, null, null);
    }

    private async Task<ModelResult> BuildTableAsync(ModelFile model, ObjectType existing, string how, CancellationToken cancellationToken)
    {
        var query = Render(model, incremental: false);
        await DropIfAsync(model, existing, ObjectType.View, cancellationToken);
        // On the first line, so DuckDB's line numbers are the file's.
        await session.ExecuteAsync($"CREATE OR REPLACE TABLE {Relation(model)} AS {query.Sql}", query.Parameters, cancellationToken);
        var rows = await session.ScalarAsync<long>($"SELECT count(*) FROM {Relation(model)}", [], cancellationToken);
        return new ModelResult(model, RelationName(model), how, rows, null, rows);
    }

    /// <summary>
    /// The new rows are computed once, into a temporary table, before the target changes: a query
    /// that reads <c>{{ this }}</c> must see the table as it was, not half-updated.
    /// </summary>
    private async Task<ModelResult> BuildIncrementAsync(ModelFile model, CancellationToken cancellationToken)
    {
        var config = model.Config;
        var target = Relation(model);
        var query = Render(model, incremental: true);
        await session.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE sluice_model_batch AS {query.Sql}", query.Parameters, cancellationToken);
        await ReconcileColumnsAsync(model, cancellationToken);
        long deleted = 0;
        if (config.Strategy == IncrementalStrategy.DeleteInsert)
        {
            var match = string.Join(" AND ", config.UniqueKey.Select(k => $"b.{SqlText.Identifier(k)} IS NOT DISTINCT FROM t.{SqlText.Identifier(k)}"));
            deleted = await session.ExecuteAsync($"DELETE FROM {target} AS t WHERE EXISTS (SELECT 1 FROM {Batch} AS b WHERE {match})", [], cancellationToken);
        }

        var inserted = await session.ExecuteAsync($"INSERT INTO {target} BY NAME SELECT * FROM {Batch}", [], cancellationToken);
        await session.ExecuteAsync($"DROP TABLE {Batch}", [], cancellationToken);
        var total = await session.ScalarAsync<long>($"SELECT count(*) FROM {target}", [], cancellationToken);
        return new ModelResult(model, RelationName(model), config.Describe(), inserted, config.Strategy == IncrementalStrategy.DeleteInsert ? deleted : null, total);
    }

    private async Task ReconcileColumnsAsync(ModelFile model, CancellationToken cancellationToken)
    {
        var incoming = await session.DescribeAsync($"SELECT * FROM {Batch}", [], cancellationToken);
        var existing = (await session.QueryAsync(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
                [new("s", SchemaOf(model)), new("t", model.Name)],
                cancellationToken))
            .Select(r => (string)r[0]!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = incoming.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missingKeys = model.Config.UniqueKey.Where(k => !names.Contains(k) || !existing.Contains(k)).ToList();
        if (missingKeys.Count > 0)
        {
            throw new NonRetryableException($"{model.Config.Locations[ModelConfig.UniqueKeyKey]}: unique_key column(s) {string.Join(", ", missingKeys)} of model '{model.Name}' must be columns of both its query and its table {RelationName(model)}. Query columns: {string.Join(", ", names)}.");
        }

        var added = incoming.Where(c => !existing.Contains(c.Name)).ToList();
        if (added.Count == 0)
        {
            return;
        }

        if (model.Config.OnSchemaChange == SchemaChangePolicy.Fail)
        {
            throw new NonRetryableException(
                $"{model.Location}: incremental model '{model.Name}' now returns column(s) its table {RelationName(model)} lacks: {string.Join("; ", added.Select(c => $"+ {c.Name} {c.Type}"))}. "
                + "Add '-- on_schema_change: append_new_columns' to add them, or rebuild the table with the task option full_refresh: true. The warehouse was not changed.");
        }

        foreach (var column in added)
        {
            await session.ExecuteAsync($"ALTER TABLE {Relation(model)} ADD COLUMN {SqlText.Identifier(column.Name)} {column.Type}", [], cancellationToken);
            context.Log($"added column {column.Name} {column.Type} to {RelationName(model)}");
        }
    }

    private SqlTemplate Render(ModelFile model, bool incremental)
    {
        var sql = model.Render(
            incremental,
            name => Relation(ModelByName(model, name)),
            SourceRelation,
            Relation(model));
        var query = context.Templates.RenderSql(sql, model.Location, DuckDbSession.Placeholder);
        return query with { Sql = query.Sql.TrimEnd().TrimEnd(';') };
    }

    private ModelFile ModelByName(ModelFile from, string name) =>
        project.Find(name) ?? throw new NonRetryableException($"{from.Location}: model '{from.Name}' refs unknown model '{name}'.");

    private async Task<IReadOnlyList<(string Dataset, long Rows)>> StageOutputsAsync(IReadOnlyList<ModelResult> results, CancellationToken cancellationToken)
    {
        var staged = new List<(string, long)>();
        var manifest = context.Options.GetString("manifest");
        foreach (var output in context.Task.Outputs.Where(o => o != manifest))
        {
            var model = results.First(r => r.Model.Name == output).Model;
            var rows = await session.CopyToParquetAsync($"SELECT * FROM {Relation(model)}", [], context.OutputPath(output), cancellationToken);
            staged.Add((output, rows));
        }

        if (manifest is not null)
        {
            await using var writer = await DatasetWriter.CreateAsync(
                [("build_order", "INTEGER"), ("model", "VARCHAR"), ("relation", "VARCHAR"), ("materialized", "VARCHAR"), ("file", "VARCHAR"), ("rows_inserted", "BIGINT"), ("rows_deleted", "BIGINT"), ("table_rows", "BIGINT")],
                settings,
                cancellationToken);
            var number = 0;
            foreach (var result in results)
            {
                writer.Append([++number, result.Model.Name, result.Relation, result.How, result.Model.DisplayPath, result.RowsInserted, result.RowsDeleted, result.TableRows]);
            }

            staged.Add((manifest, await writer.CompleteAsync(context.OutputPath(manifest), cancellationToken)));
        }

        return staged;
    }

    private enum ObjectType
    {
        None,
        Table,
        View,
    }

    private async Task<ObjectType> ExistingTypeAsync(ModelFile model, CancellationToken cancellationToken)
    {
        var type = await session.ScalarAsync<string>(
            "SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
            [new("s", SchemaOf(model)), new("t", model.Name)],
            cancellationToken);
        return type switch
        {
            null => ObjectType.None,
            "VIEW" => ObjectType.View,
            _ => ObjectType.Table,
        };
    }

    /// <summary>A model whose materialization changed replaces an object of the other kind, which CREATE OR REPLACE refuses.</summary>
    private async Task DropIfAsync(ModelFile model, ObjectType existing, ObjectType other, CancellationToken cancellationToken)
    {
        if (existing == other)
        {
            await session.ExecuteAsync($"DROP {(other == ObjectType.View ? "VIEW" : "TABLE")} {Relation(model)}", [], cancellationToken);
        }
    }

    private async Task RollbackAsync()
    {
        try
        {
            await session.ExecuteAsync("ROLLBACK", [], CancellationToken.None);
        }
        catch (DuckDBException)
        {
            // A failed COMMIT has already ended the transaction; there is nothing left to undo.
        }
    }

    private static string Describe(ModelResult result) => result switch
    {
        { TableRows: null } => $"built {result.Relation} ({result.How})",
        { RowsDeleted: { } deleted } => $"built {result.Relation} ({result.How}): {result.RowsInserted} row(s) inserted, {deleted} deleted; {result.TableRows} in the table",
        { How: var how } when how.StartsWith("incremental, append", StringComparison.Ordinal) => $"built {result.Relation} ({result.How}): {result.RowsInserted} row(s) inserted; {result.TableRows} in the table",
        _ => $"built {result.Relation} ({result.How}): {result.TableRows} row(s)",
    };

    /// <summary>
    /// The file, line and (best effort) column of a DuckDB error. The SQL DuckDB saw has the file's line
    /// breaks, but a replaced template moves the columns after it, so the word under DuckDB's caret is
    /// looked up in the file's line, nearest to where DuckDB shows it.
    /// </summary>
    private static SourceLocation Locate(ModelFile model, string message)
    {
        var match = ErrorLine().Match(message);
        if (!match.Success)
        {
            return model.Location;
        }

        var line = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var shown = match.Groups[2].Value;
        var caret = match.Groups[3].Value.Length - $"LINE {line}: ".Length;
        var lines = File.Exists(model.FullPath) ? File.ReadAllLines(model.FullPath) : [];
        var column = 1;
        if (line >= 1 && line <= lines.Length && caret >= 0 && caret < shown.Length
            && Word().Match(shown, caret) is { Success: true } word && word.Index <= caret + 1)
        {
            var text = lines[line - 1];
            var best = -1;
            for (var at = text.IndexOf(word.Value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word.Value, at + 1, StringComparison.Ordinal))
            {
                if (best < 0 || Math.Abs(at - caret) < Math.Abs(best - caret))
                {
                    best = at;
                }
            }

            column = best + 1;
        }

        return new SourceLocation(model.DisplayPath, Math.Max(1, line), Math.Max(1, column));
    }

    [GeneratedRegex(@"LINE (\d+): (.*)\n( *)\^")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"[A-Za-z0-9_$]+")]
    private static partial Regex Word();
}
