using System.Data.Common;
using DuckDB.NET.Data;

namespace Sluice.Engine.DuckDb;

/// <summary>Streams the rows of a staged Parquet dataset into .NET, chunk by chunk, for sinks that load them elsewhere.</summary>
public sealed class DatasetReader : IAsyncDisposable
{
    private readonly DuckDbSession _session;
    private readonly DuckDBCommand _command;
    private readonly DbDataReader _reader;

    private DatasetReader(DuckDbSession session, DuckDBCommand command, DbDataReader reader, IReadOnlyList<(string Name, string Type)> columns, string parquetPath, DuckDbSettings? settings)
    {
        ParquetPath = parquetPath;
        Settings = settings;
        _session = session;
        _command = command;
        _reader = reader;
        Columns = columns;
    }

    public IReadOnlyList<(string Name, string Type)> Columns { get; }

    /// <summary>The staged file, for sinks that let DuckDB convert it in bulk instead of reading rows.</summary>
    public string ParquetPath { get; }

    /// <summary>The engine limits the reader was opened with, for any further DuckDB work on the dataset.</summary>
    public DuckDbSettings? Settings { get; }

    public static async Task<DatasetReader> OpenAsync(string parquetPath, DuckDbSettings? settings = null, CancellationToken cancellationToken = default)
    {
        var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        await session.BindDatasetAsync("dataset", parquetPath, cancellationToken);
        var columns = await session.DescribeAsync("SELECT * FROM dataset", [], cancellationToken);
        var command = session.Connection.CreateCommand();
        command.CommandText = "SELECT * FROM dataset";
        command.UseStreamingMode = true;
        var reader = await command.ExecuteReaderAsync(cancellationToken);
        return new DatasetReader(session, command, reader, columns, parquetPath, settings);
    }

    /// <summary>The underlying reader: call ReadAsync and the typed getters.</summary>
    public DbDataReader Rows => _reader;

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _session.DisposeAsync();
    }
}
