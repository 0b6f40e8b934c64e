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
            long rows;
            await using (var session = await DuckDbSession.OpenAsync(settings, cancellationToken))
            {
                // TIMESTAMPTZ values print with their offset in this zone; UTC keeps them unambiguous.
                await session.ExecuteAsync("SET TimeZone = 'UTC'", [], cancellationToken);
                await session.BindDatasetAsync("staged", input.ParquetPath, cancellationToken);
                var select = string.Join(", ", input.Columns.Select(c => SqlText.Identifier(c.Name)));
                rows = await session.ExecuteAsync(
                    $"COPY (SELECT {select} FROM staged) TO $path (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '')",
                    [new("path", csvPath)],
                    cancellationToken);
            }

            await using var writer = await connection.BeginTextImportAsync(copyFromStdin, cancellationToken);
            if (writer is StreamWriter { BaseStream: { } raw })
            {
                // Npgsql's text import is a StreamWriter over the raw COPY stream: DuckDB wrote UTF-8,
                // so the file's bytes go as they are instead of being decoded and encoded again.
                await using var file = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
                await file.CopyToAsync(raw, BufferSize, cancellationToken);
                return rows;
            }

            using var reader = new StreamReader(csvPath, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, BufferSize);
            var buffer = new char[BufferSize / 2];
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return rows;
        }
        finally
        {
            File.Delete(csvPath);
        }
    }
}
