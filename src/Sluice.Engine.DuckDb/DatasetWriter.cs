using DuckDB.NET.Data;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// Writes rows produced in .NET (a database cursor, API pages) into a staged Parquet dataset in
/// bounded memory: rows go through DuckDB's appender into a disk-backed temporary table, which
/// DuckDB then copies to Parquet.
/// </summary>
public sealed class DatasetWriter : IAsyncDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _databasePath;
    private readonly int _width;
    private DuckDBAppender? _appender;

    private DatasetWriter(DuckDBConnection connection, string databasePath, int width)
    {
        _connection = connection;
        _databasePath = databasePath;
        _width = width;
    }

    public long Rows { get; private set; }

    /// <summary>Columns are names with DuckDB types (BIGINT, VARCHAR, DECIMAL(18,2), TIMESTAMPTZ, INTEGER[]...).</summary>
    public static async Task<DatasetWriter> CreateAsync(IReadOnlyList<(string Name, string Type)> columns, DuckDbSettings? settings = null, CancellationToken cancellationToken = default)
    {
        if (columns.Count == 0)
        {
            throw new SluiceException("a dataset needs at least one column.");
        }

        settings ??= DuckDbSettings.Default;
        Directory.CreateDirectory(settings.TempDirectory);
        var path = Path.Combine(settings.TempDirectory, $"writer-{Guid.NewGuid():N}.duckdb");
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var writer = new DatasetWriter(connection, path, columns.Count);
        await using (var limit = connection.CreateCommand())
        {
            limit.CommandText = "SET memory_limit = $v";
            limit.Parameters.Add(new DuckDBParameter("v", settings.MemoryLimit));
            await limit.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE rows ({string.Join(", ", columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}"))})";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        writer._appender = connection.CreateAppender("rows");
        return writer;
    }

    public void Append(IReadOnlyList<object?> values)
    {
        if (values.Count != _width)
        {
            throw new ArgumentException($"expected {_width} values, got {values.Count}", nameof(values));
        }

        var row = _appender!.CreateRow();
        foreach (var value in values)
        {
            AppenderValues.Append(row, value);
        }

        row.EndRow();
        Rows++;
    }

    /// <summary>Writes everything appended as a Parquet file and returns the row count.</summary>
    public async Task<long> CompleteAsync(string parquetPath, CancellationToken cancellationToken)
    {
        _appender?.Close();
        _appender = null;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(parquetPath))!);
        await using var command = _connection.CreateCommand();
        var columns = new List<(string Name, string Type)>();
        await using (var describe = _connection.CreateCommand())
        {
            describe.CommandText = "DESCRIBE rows";
            await using var reader = await describe.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        command.CommandText = $"COPY ({ParquetTypes.ExactSelect(columns, "rows") ?? "FROM rows"}) TO $path (FORMAT parquet, COMPRESSION zstd)";
        command.Parameters.Add(new DuckDBParameter("path", parquetPath));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return Rows;
    }

    public async ValueTask DisposeAsync()
    {
        _appender?.Dispose();
        await _connection.DisposeAsync();
        foreach (var file in new[] { _databasePath, _databasePath + ".wal" })
        {
            File.Delete(file);
        }
    }
}
