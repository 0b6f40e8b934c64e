using MySqlConnector;
using Sluice.Engine.DuckDb;
using Sluice.Incremental;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Connectors.MySql;

/// <summary>
/// <c>source: mysql</c>. Runs a query (templates bound as parameters) or reads a table, and streams
/// the rows into the staged dataset in bounded memory: MySqlConnector reads rows off the socket as
/// they are consumed (no client-side buffering of the result), and the dataset writer spills to disk.
/// </summary>
public sealed class MySqlSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "mysql";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Extracts a query's result or a table from MySQL or MariaDB.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The mysql connection to read from.", "mysql"),
        new("query", OptionKind.Sql, "SQL to run; {{ ds }}, {{ data_interval_start }} and ${VAR} become bound parameters."),
        OptionSpec.Text("table", "A table (or view) to read whole, instead of a query."),
        OptionSpec.Text("schema", "Database of 'table' (default: the connection's database)."),
    ];

    public bool SupportsIncremental => true;

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        var hasQuery = task.Options.Find("query") is not null;
        var hasTable = task.Options.Find("table") is not null;
        if (hasQuery == hasTable)
        {
            yield return "source 'mysql' needs exactly one of 'query' or 'table'.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var output = context.Task.Outputs[0];
        var (connection, endpoint) = await MySqlConnections.OpenAsync(context, cancellationToken);
        await using var _ = connection;
        var query = SourceQuery.Build(context);
        var where = $"task '{context.Task.Id}' reading from {endpoint}";
        try
        {
            await using var snapshot = context.Incremental is null ? null : await MySqlIncremental.SnapshotAsync(connection, cancellationToken);
            CursorValue? cursor = null;
            if (context.Incremental is { } read)
            {
                (query, cursor) = await MySqlIncremental.ApplyAsync(read, query, connection, snapshot!, where, cancellationToken);
            }

            var rows = await StageAsync(context, query, connection, snapshot, context.OutputPath(output), cancellationToken);
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [output] = rows }, Cursor = cursor };
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchTable && query.Table is { } table && !cancellationToken.IsCancellationRequested)
        {
            throw new NonRetryableException($"{where}: {await UnknownTableAsync(connection, context, table, cancellationToken)}");
        }
        catch (Exception e) when (MySqlErrors.IsTranslatable(e, cancellationToken))
        {
            throw MySqlErrors.Translate(e, where, context);
        }
    }

    private async Task<long> StageAsync(TaskContext context, SourceQuery query, MySqlConnection connection, MySqlTransaction? snapshot, string outputPath, CancellationToken cancellationToken)
    {
        await using var command = await query.CommandAsync(connection, snapshot, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Describe(reader, context);
        context.Log($"reading {columns.Count} column(s) from {connection.DataSource}:{connection.Database}");
        var needsCast = columns.Any(c => c.FinalType is not null);
        var stagedPath = needsCast ? outputPath + ".text.parquet" : outputPath;
        long rows;
        await using (var writer = await DatasetWriter.CreateAsync(columns.Select(c => (c.Name, c.StagedType)).ToList(), settings, cancellationToken))
        {
            var values = new object?[columns.Count];
            while (await reader.ReadAsync(cancellationToken))
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : columns[i].Read(reader, i);
                }

                writer.Append(values);
            }

            rows = await writer.CompleteAsync(stagedPath, cancellationToken);
        }

        if (needsCast)
        {
            await CastAsync(columns, stagedPath, outputPath, cancellationToken);
        }

        return rows;
    }

    private static List<SourceColumn> Describe(MySqlDataReader reader, TaskContext context)
    {
        var schema = reader.GetColumnSchema();
        var where = $"task '{context.Task.Id}'";
        if (schema.Count == 0)
        {
            throw new NonRetryableException($"{where}: the query returns no columns. Use a SELECT that returns rows.");
        }

        var duplicate = schema.GroupBy(c => c.ColumnName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NonRetryableException($"{where}: the query returns {duplicate.Count()} columns named '{duplicate.Key}'. Give them distinct names with AS.");
        }

        return schema.Select(c => SourceColumns.Map((MySqlDbColumn)c)).ToList();
    }

    /// <summary>Decimals wider than .NET's are staged as their exact text; DuckDB casts them to DECIMAL(p,s).</summary>
    private async Task CastAsync(IReadOnlyList<SourceColumn> columns, string stagedPath, string outputPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
            await session.BindDatasetAsync("staged", stagedPath, cancellationToken);
            var select = string.Join(", ", columns.Select(c => c.FinalType is { } type
                ? $"CAST({SqlText.Identifier(c.Name)} AS {type}) AS {SqlText.Identifier(c.Name)}"
                : SqlText.Identifier(c.Name)));
            await session.CopyToParquetAsync($"SELECT {select} FROM staged", [], outputPath, cancellationToken);
        }
        finally
        {
            File.Delete(stagedPath);
        }
    }

    /// <summary>"unknown table 'x' in database 'd'. Did you mean 'y'? Valid: ...", from the server's catalog.</summary>
    private static async Task<string> UnknownTableAsync(MySqlConnection connection, TaskContext context, string table, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE())", connection);
        var schema = context.Options.GetString("schema");
        command.Parameters.AddWithValue("@schema", (object?)schema ?? DBNull.Value);
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        var database = schema ?? connection.Database;
        return $"{context.Options.LocationOf("table")}: {Suggestions.UnknownName("table", table, names, $"in database '{database}'")} Check 'table' and 'schema'.";
    }
}
