using System.Text.Json;
using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// The changes of one drain as a dataset, one row per change in a Debezium-like envelope; rows go
/// to a disk-backed writer as they arrive, so a drain of any size stays in bounded memory.
/// </summary>
internal sealed class ChangeLog : IAsyncDisposable
{
    public static readonly IReadOnlyList<(string Name, string Type)> Columns =
    [
        ("op", "VARCHAR"),
        ("source_schema", "VARCHAR"),
        ("source_table", "VARCHAR"),
        ("before", "JSON"),
        ("after", "JSON"),
        ("lsn", "VARCHAR"),
        ("commit_lsn", "VARCHAR"),
        ("xid", "BIGINT"),
        ("commit_at", "TIMESTAMPTZ"),
    ];

    private readonly DatasetWriter _writer;

    private ChangeLog(DatasetWriter writer) => _writer = writer;

    public static async Task<ChangeLog> CreateAsync(DuckDbSettings? settings, CancellationToken cancellationToken) =>
        new(await DatasetWriter.CreateAsync(Columns, settings, cancellationToken));

    public void Append(ChangeEvent change, BeginItem transaction, MirrorTable table) =>
        _writer.Append(
        [
            change.Op.ToString(),
            table.Relation.Schema,
            table.Relation.Table,
            Json(change.Before, table.Relation),
            Json(change.After, table.Relation),
            change.Lsn.ToString(),
            transaction.FinalLsn.ToString(),
            (long)transaction.Xid,
            DateTime.SpecifyKind(transaction.CommitAt, DateTimeKind.Utc),
        ]);

    public Task<long> CompleteAsync(string path, CancellationToken cancellationToken) => _writer.CompleteAsync(path, cancellationToken);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>The row as a JSON object of column to text value; a large value the update left alone is omitted.</summary>
    public static string? Json(string?[]? row, RelationItem relation)
    {
        if (row is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < row.Length; i++)
            {
                if (!ReferenceEquals(row[i], ChangeEvent.Unchanged))
                {
                    json.WriteString(relation.Columns[i].Name, row[i]);
                }
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
