using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Templating;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// One in-process DuckDB connection for one task. Staged datasets appear as views named after the
/// dataset, so SQL refers to them by name; results are copied to Parquet without passing through .NET.
/// </summary>
public sealed class DuckDbSession : IAsyncDisposable, IDisposable
{
    private readonly DuckDBConnection _connection;
    private int _variables;

    private DuckDbSession(DuckDBConnection connection) => _connection = connection;

    /// <summary>
    /// Opens an in-memory engine, or a DuckDB database file. Connections to the same file in one
    /// process share one database instance, so concurrent tasks can write to one warehouse.
    /// </summary>
    public static async Task<DuckDbSession> OpenAsync(DuckDbSettings? settings = null, CancellationToken cancellationToken = default, string? databasePath = null)
    {
        settings ??= DuckDbSettings.Default;
        if (databasePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        }

        var builder = new DuckDBConnectionStringBuilder { DataSource = databasePath ?? ":memory:" };
        var connection = new DuckDBConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var session = new DuckDbSession(connection);
        Directory.CreateDirectory(settings.TempDirectory);
        await session.ExecuteAsync("SET memory_limit = $v", [new("v", settings.MemoryLimit)], cancellationToken);
        await session.ExecuteAsync("SET temp_directory = $v", [new("v", settings.TempDirectory)], cancellationToken);
        if (settings.Threads is { } threads)
        {
            await session.ExecuteAsync("SET threads = $v", [new("v", threads)], cancellationToken);
        }

        settings.ConfigureSession?.Invoke(connection);

        return session;
    }

    public DuckDBConnection Connection => _connection;

    /// <summary>The placeholder DuckDB uses for a named parameter.</summary>
    public static string Placeholder(string name) => "$" + name;

    /// <summary>Makes a staged Parquet dataset queryable under its dataset name.</summary>
    public Task BindDatasetAsync(string name, string parquetPath, CancellationToken cancellationToken) =>
        BindViewAsync(name, "read_parquet", parquetPath, cancellationToken);

    /// <summary>
    /// Creates a view over a table function of a path. The path goes through a session variable
    /// because DuckDB cannot prepare CREATE VIEW with parameters.
    /// </summary>
    public async Task BindViewAsync(string name, string tableFunction, object pathOrPaths, CancellationToken cancellationToken, string extraArguments = "")
    {
        var variable = "sluice_path_" + (_variables++).ToString(CultureInfo.InvariantCulture);
        await ExecuteAsync($"SET VARIABLE {variable} = $p", [new("p", pathOrPaths)], cancellationToken);
        await ExecuteAsync($"CREATE OR REPLACE TEMP VIEW {SqlText.Identifier(name)} AS SELECT * FROM {tableFunction}(getvariable('{variable}'){extraArguments})", [], cancellationToken);
    }

    public async Task<long> ExecuteAsync(string sql, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        using var registration = cancellationToken.Register(command.Cancel);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public async Task<T?> ScalarAsync<T>(string sql, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task<List<object?[]>> QueryAsync(string sql, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object?[reader.FieldCount];
            reader.GetValues(values!);
            rows.Add(values.Select(v => v is DBNull ? null : v).ToArray());
        }

        return rows;
    }

    /// <summary>Runs a query and writes its result as a Parquet file; returns the row count.</summary>
    public async Task<long> CopyToParquetAsync(string query, IReadOnlyList<SqlParameterValue> parameters, string outputPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        var exact = ParquetTypes.ExactSelect(await DescribeAsync($"SELECT * FROM ({query}\n)", parameters, cancellationToken), $"({query}\n)");
        var all = parameters.Append(new SqlParameterValue("sluice_output", outputPath)).ToList();
        // The newline ends a trailing -- comment in user SQL before the closing parenthesis.
        // Staged datasets are read once or twice and then replaced: snappy costs less CPU than zstd.
        return await ExecuteAsync($"COPY ({exact ?? query}\n) TO $sluice_output (FORMAT parquet, COMPRESSION snappy)", all, cancellationToken);
    }

    public async Task<IReadOnlyList<(string Name, string Type)>> DescribeAsync(string query, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync($"DESCRIBE {query}", parameters, cancellationToken);
        return rows.Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
    }

    private DuckDBCommand Command(string sql, IReadOnlyList<SqlParameterValue> parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(parameter.Name, parameter.Value ?? DBNull.Value));
        }

        return command;
    }

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
