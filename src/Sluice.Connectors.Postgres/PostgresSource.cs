using System.Data;
using Npgsql;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>source: postgres</c>. Runs a query (templates bound as parameters) or reads a table, and streams
/// the rows into the staged dataset in bounded memory: Npgsql reads rows off the socket as they are
/// consumed, and the dataset writer spills to disk.
/// </summary>
public sealed class PostgresSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "postgres";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Extracts a query's result or a table from PostgreSQL.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The postgres connection to read from.", "postgres"),
        new("query", OptionKind.Sql, "SQL to run; {{ ds }}, {{ data_interval_start }} and ${VAR} become bound parameters."),
        OptionSpec.Text("table", "A table (or view) to read whole, instead of a query."),
        OptionSpec.Text("schema", "Schema of 'table'.", @default: "public"),
    ];

    public bool SupportsIncremental => true;

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        var hasQuery = task.Options.Find("query") is not null;
        var hasTable = task.Options.Find("table") is not null;
        if (hasQuery == hasTable)
        {
            yield return "source 'postgres' needs exactly one of 'query' or 'table'.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var output = context.Task.Outputs[0];
        var (connection, endpoint) = await PostgresConnections.OpenAsync(context, cancellationToken);
        await using var _ = connection;
        await using var command = Command(context, connection);
        var where = $"task '{context.Task.Id}' reading from {endpoint}";
        try
        {
            var columns = await DescribeAsync(command, where, cancellationToken);
            await using var snapshot = context.Incremental is null ? null : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var cursor = context.Incremental is { } read ? await PostgresIncremental.ApplyAsync(read, command, snapshot!, columns, where, cancellationToken) : null;
            command.UnknownResultTypeList = columns.Select(c => c.AsText).ToArray();
            context.Log($"reading {columns.Count} column(s) from {endpoint.Host}:{endpoint.Port}/{endpoint.Database}");
            var rows = await StageAsync(context, command, columns, context.OutputPath(output), cancellationToken);
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [output] = rows }, Cursor = cursor };
        }
        catch (Exception e) when (PostgresErrors.IsTranslatable(e, cancellationToken))
        {
            throw PostgresErrors.Translate(e, where, context);
        }
    }

    /// <summary>Streams a command's rows into a Parquet file with PostgreSQL's types; also how a sink reads its table back for checks.</summary>
    internal async Task<long> ExtractAsync(TaskContext context, NpgsqlCommand command, string path, string where, CancellationToken cancellationToken)
    {
        var columns = await DescribeAsync(command, where, cancellationToken);
        command.UnknownResultTypeList = columns.Select(c => c.AsText).ToArray();
        return await StageAsync(context, command, columns, path, cancellationToken);
    }

    private static NpgsqlCommand Command(TaskContext context, NpgsqlConnection connection)
    {
        var command = connection.CreateCommand();
        if (context.Options.Has("table"))
        {
            command.CommandText = $"SELECT * FROM {SqlText.Qualified(context.Options.GetRequiredString("schema"), context.Options.GetRequiredString("table"))}";
            return command;
        }

        var sql = context.Options.GetSql("query", name => "@" + name);
        command.CommandText = sql.Sql;
        foreach (var parameter in sql.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(parameter.Name, parameter.Value ?? DBNull.Value));
        }

        return command;
    }

    /// <summary>Asks the server for the result's columns without running the query, so types come from PostgreSQL.</summary>
    private static async Task<IReadOnlyList<SourceColumn>> DescribeAsync(NpgsqlCommand command, string where, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly, cancellationToken);
        var schema = await reader.GetColumnSchemaAsync(cancellationToken);
        if (schema.Count == 0)
        {
            throw new NonRetryableException($"{where}: the query returns no columns. Use a SELECT that returns rows.");
        }

        var duplicate = schema.GroupBy(c => c.ColumnName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NonRetryableException($"{where}: the query returns {duplicate.Count()} columns named '{duplicate.Key}'. Give them distinct names with AS.");
        }

        return schema.Select(c => SourceColumns.Map((Npgsql.Schema.NpgsqlDbColumn)c)).ToList();
    }

    private async Task<long> StageAsync(TaskContext context, NpgsqlCommand command, IReadOnlyList<SourceColumn> columns, string outputPath, CancellationToken cancellationToken)
    {
        if (await SourceCsvCopy.CanUseAsync(command, columns, cancellationToken))
        {
            context.Log("streaming COPY ... TO STDOUT (FORMAT csv) into the staged dataset");
            return await SourceCsvCopy.StageAsync(command.Connection!, command.CommandText, columns, outputPath, settings, cancellationToken);
        }

        var needsCast = columns.Any(c => c.FinalType is not null);
        var stagedPath = needsCast ? outputPath + ".lists.parquet" : outputPath;
        long rows;
        await using (var writer = await DatasetWriter.CreateAsync(columns.Select(c => (c.Name, c.StagedType)).ToList(), settings, cancellationToken))
        {
            if (SourceCopy.CanUse(command, columns))
            {
                await SourceCopy.StageAsync(command.Connection!, command.CommandText, columns, writer, cancellationToken);
            }
            else
            {
                await ReadAsync(command, columns, writer, cancellationToken);
            }

            rows = await writer.CompleteAsync(stagedPath, cancellationToken);
        }

        if (needsCast)
        {
            await CastListsAsync(columns, stagedPath, outputPath, cancellationToken);
        }

        return rows;
    }

    private static async Task ReadAsync(NpgsqlCommand command, IReadOnlyList<SourceColumn> columns, DatasetWriter writer, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new object?[columns.Count];
        while (await reader.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : columns[i].Read(reader, i);
            }

            writer.Append(values);
        }
    }

    private static string Projection(SourceColumn column) => column.FinalType is { } type
        ? $"CAST({SqlText.Identifier(column.Name)} AS {type}) AS {SqlText.Identifier(column.Name)}"
        : SqlText.Identifier(column.Name);

    private async Task CastListsAsync(IReadOnlyList<SourceColumn> columns, string stagedPath, string outputPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
            await session.BindDatasetAsync("staged", stagedPath, cancellationToken);
            var select = string.Join(", ", columns.Select(Projection));
            await session.CopyToParquetAsync($"SELECT {select} FROM staged", [], outputPath, cancellationToken);
        }
        finally
        {
            File.Delete(stagedPath);
        }
    }
}
