using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// The fast load path: DuckDB writes the staged dataset as CSV (in parallel, in its own code), and
/// the text streams into <c>COPY ... FROM STDIN (FORMAT csv)</c>, where the server parses it, as for
/// <c>psql \copy</c>. The binary path spends most of its client time converting value by value.
/// Only for types whose text form PostgreSQL reads back exactly.
/// </summary>
internal static class SinkCsvCopy
{
    private const int BufferSize = 1 << 20;

    private static readonly HashSet<PgKind> ExactTargets =
    [
        PgKind.Boolean, PgKind.Smallint, PgKind.Integer, PgKind.Bigint, PgKind.Double, PgKind.Numeric, PgKind.Text, PgKind.Json, PgKind.Jsonb,
        PgKind.Date, PgKind.Timestamp, PgKind.TimestampTz, PgKind.Uuid,
    ];

    public static bool CanUse(DatasetReader input, IReadOnlyList<PgColumn> columns) =>
        columns.Count == input.Columns.Count
        && columns.Select((c, i) => c.Element is null && ExactTargets.Contains(c.Kind) && CsvExactTypes.Contains(input.Columns[i].Type)).All(ok => ok);

    public static async Task<long> LoadAsync(NpgsqlConnection connection, string copyFromStdin, DatasetReader input, CancellationToken cancellationToken)
    {
        var settings = input.Settings ?? DuckDbSettings.Default;
        Directory.CreateDirectory(settings.TempDirectory);
        var csvPath = Path.Combine(settings.TempDirectory, $"pg-load-{Guid.NewGuid():N}.csv");
        try
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
            // TIMESTAMPTZ values print with their offset in this zone; UTC keeps them unambiguous.
            await session.ExecuteAsync("SET TimeZone = 'UTC'", [], cancellationToken);
            await session.BindDatasetAsync("staged", input.ParquetPath, cancellationToken);
            var select = string.Join(", ", input.Columns.Select(c => SqlText.Identifier(c.Name)));
            var copyOut = $"COPY (SELECT {select} FROM staged) TO $path (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '', USE_TMP_FILE false)";
            if (NamedPipe.TryCreate(csvPath))
            {
                return await PipeAsync(connection, copyFromStdin, session, copyOut, csvPath, cancellationToken);
            }

            var rows = await session.ExecuteAsync(copyOut, [new("path", csvPath)], cancellationToken);
            await using var file = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
            await SendAsync(connection, copyFromStdin, file, cancellationToken: cancellationToken);
            return rows;
        }
        finally
        {
            File.Delete(csvPath);
        }
    }

    /// <summary>
    /// DuckDB writes the CSV into a named pipe on its own threads while this one streams the pipe into
    /// COPY: the load takes about as long as the slower of the two instead of their sum. A failure on
    /// either side stops the other: closing the pipe fails DuckDB's write, and a DuckDB error cancels
    /// the COPY before it completes (the transaction is rolled back by the caller).
    /// </summary>
    private static async Task<long> PipeAsync(NpgsqlConnection connection, string copyFromStdin, DuckDbSession session, string copyOut, string pipePath, CancellationToken cancellationToken)
    {
        var formatting = Task.Run(() => session.ExecuteAsync(copyOut, [new("path", pipePath)], cancellationToken), cancellationToken);
        var opening = Task.Run(() => new FileStream(pipePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferSize), CancellationToken.None);
        if (await Task.WhenAny(opening, formatting) == formatting && !opening.IsCompleted)
        {
            // DuckDB ended without opening the pipe (an error): let the reader's open return.
            NamedPipe.ReleaseReader(pipePath);
        }

        await using (var pipe = await opening)
        {
            try
            {
                await SendAsync(connection, copyFromStdin, pipe, formatting, cancellationToken);
            }
            catch
            {
                // Closing the read end makes DuckDB's next write fail, so its statement ends too.
                await pipe.DisposeAsync();
                await formatting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }

        return await formatting;
    }

    /// <summary>
    /// Streams CSV bytes into COPY. With <paramref name="producer"/>, its failure (the input ended early)
    /// cancels the COPY instead of completing it with the rows so far.
    /// </summary>
    private static async Task SendAsync(NpgsqlConnection connection, string copyFromStdin, Stream csv, Task<long>? producer = null, CancellationToken cancellationToken = default)
    {
        await using var writer = await connection.BeginTextImportAsync(copyFromStdin, cancellationToken);
        if (writer is StreamWriter { BaseStream: { } raw })
        {
            // Npgsql's text import is a StreamWriter over the raw COPY stream: DuckDB wrote UTF-8,
            // so the bytes go as they are instead of being decoded and encoded again.
            await csv.CopyToAsync(raw, BufferSize, cancellationToken);
        }
        else
        {
            using var reader = new StreamReader(csv, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, BufferSize, leaveOpen: true);
            var buffer = new char[BufferSize / 2];
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        if (producer is not null)
        {
            try
            {
                await producer;
            }
            catch when (writer is NpgsqlCopyTextWriter cancelable)
            {
                await cancelable.CancelAsync();
                throw;
            }
        }
    }
}
