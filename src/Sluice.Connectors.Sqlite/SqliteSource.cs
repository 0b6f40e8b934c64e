using Microsoft.Data.Sqlite;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Sqlite;

/// <summary><c>source: sqlite</c>. Streams a query's result or a table into the staged dataset, one row at a time.</summary>
public sealed class SqliteSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "sqlite";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Extracts a query's result or a table from a SQLite database file.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The sqlite connection to read from.", "sqlite"),
        new("query", OptionKind.Sql, "SQL to run; {{ ds }} and ${VAR} become bound parameters."),
        OptionSpec.Text("table", "A table (or view) to read whole, instead of a query."),
    ];

    public bool SupportsIncremental => true;

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if ((task.Options.Find("query") is null) == (task.Options.Find("table") is null))
        {
            yield return "source 'sqlite' needs exactly one of 'query' or 'table'.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var output = context.Task.Outputs[0];
        var (connection, display) = await SqliteConnections.OpenAsync(context, create: false, cancellationToken);
        await using var _ = connection;
        await using var command = connection.CreateCommand();
        if (context.Options.Has("table"))
        {
            command.CommandText = $"SELECT * FROM {SqlText.Identifier(context.Options.GetRequiredString("table"))}";
        }
        else
        {
            var sql = context.Options.GetSql("query", name => "@" + name);
            command.CommandText = sql.Sql;
            foreach (var parameter in sql.Parameters)
            {
                command.Parameters.AddWithValue(parameter.Name, Parameter(parameter.Value));
            }
        }

        var where = $"task '{context.Task.Id}' reading {display}";
        long row = 0;
        try
        {
            // One read transaction: the highest cursor and the rows come from the same snapshot of the file.
            await using var snapshot = context.Incremental is null ? null : connection.BeginTransaction(deferred: true);
            var cursor = context.Incremental is { } read ? await SqliteIncremental.ApplyAsync(read, command, snapshot!, where, Parameter, cancellationToken) : null;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // Before the first Read the reader already holds the first row, so undeclared columns get its storage class.
            var declared = await DeclaredTypesAsync(connection, reader, cancellationToken);
            var columns = Enumerable.Range(0, reader.FieldCount)
                .Select(i => (Name: reader.GetName(i), Type: SqliteTypes.FromSqlite(declared[i] ?? DeclaredOrStored(reader, i), "TEXT")))
                .ToList();
            await using var writer = await DatasetWriter.CreateAsync(columns, settings, cancellationToken);
            var values = new object?[columns.Count];
            while (await reader.ReadAsync(cancellationToken))
            {
                row++;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : ReadValue(reader, i, columns[i], row, where);
                }

                writer.Append(values);
            }

            var rows = await writer.CompleteAsync(context.OutputPath(output), cancellationToken);
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [output] = rows }, Cursor = cursor };
        }
        catch (SqliteException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw SqliteConnections.Translate(e, where, context);
        }
    }

    private static object ReadValue(SqliteDataReader reader, int ordinal, (string Name, string Type) column, long row, string where)
    {
        try
        {
            return SqliteTypes.Read(reader, ordinal, column.Type);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new BadDataException($"{where}: row {row}, column '{column.Name}': the value '{reader.GetValue(ordinal)}' is not a {column.Type} ({e.Message}). Cast it in the query.");
        }
    }

    /// <summary>
    /// Full declared types of result columns that come from a table: the reader reports DECIMAL(12,2)
    /// as DECIMAL, losing the precision and scale the dataset needs.
    /// </summary>
    private static async Task<string?[]> DeclaredTypesAsync(SqliteConnection connection, SqliteDataReader reader, CancellationToken cancellationToken)
    {
        var types = new string?[reader.FieldCount];
        var schema = reader.GetSchemaTable();
        for (var i = 0; i < types.Length; i++)
        {
            if (schema.Rows[i]["BaseTableName"] is string table && schema.Rows[i]["BaseColumnName"] is string column)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT type FROM pragma_table_info(@t) WHERE name = @c";
                command.Parameters.AddWithValue("@t", table);
                command.Parameters.AddWithValue("@c", column);
                types[i] = await command.ExecuteScalarAsync(cancellationToken) as string;
            }
        }

        return types;
    }

    /// <summary>A table column's declared type; for an expression, the storage class of the first row's value.</summary>
    private static string? DeclaredOrStored(SqliteDataReader reader, int ordinal)
    {
        try
        {
            return reader.GetDataTypeName(ordinal);
        }
        catch (InvalidOperationException)
        {
            // An expression in an empty result has neither.
            return null;
        }
    }

    internal static object Parameter(object? value) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        _ => value,
    };
}
