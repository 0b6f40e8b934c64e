using System.Data;
using MySqlConnector;
using Sluice.Incremental;

namespace Sluice.Connectors.MySql;

/// <summary>
/// Turns a source's statement into its incremental read: the query wrapped with the cursor bounds as
/// parameters, in cursor order. The highest cursor is read first in the same consistent snapshot
/// (InnoDB REPEATABLE READ, START TRANSACTION WITH CONSISTENT SNAPSHOT) as the rows, so a row committed
/// between the two statements is in neither and the next run, reading from that highest value, finds it.
/// </summary>
internal static class MySqlIncremental
{
    /// <summary>The snapshot both statements read in; its reads take no locks.</summary>
    public static Task<MySqlTransaction> SnapshotAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(IsolationLevel.Snapshot, isReadOnly: true, cancellationToken).AsTask();

    /// <summary>The wrapped query to stage, and the highest cursor among its rows (null when it has none).</summary>
    public static async Task<(SourceQuery Query, CursorValue? Highest)> ApplyAsync(IncrementalRead read, SourceQuery query, MySqlConnection connection, MySqlTransaction snapshot, string where, CancellationToken cancellationToken)
    {
        var columns = await ColumnsAsync(query, connection, snapshot, cancellationToken);
        var column = read.ResolveColumn(columns.Select(c => c.Name).ToList(), where);
        var bounds = read.Parameters(value => value is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : value);
        var max = query.With(read.WrapMax(query.Sql, column, MySqlText.Identifier, Placeholder), bounds);
        await using (var command = await max.CommandAsync(connection, snapshot, cancellationToken))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            // Read as the column's own type, so a TIMESTAMP cursor stays a UTC timestamp (timestamptz).
            var highest = await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? columns.First(c => c.Name == column).Read(reader, 0) : null;
            return (query.With(read.Wrap(query.Sql, column, MySqlText.Identifier, Placeholder), bounds), highest is null ? null : CursorValue.From(highest));
        }
    }

    private static string Placeholder(string name) => "@" + name;

    /// <summary>The query's columns as they are staged, without reading a row.</summary>
    private static async Task<List<SourceColumn>> ColumnsAsync(SourceQuery query, MySqlConnection connection, MySqlTransaction snapshot, CancellationToken cancellationToken)
    {
        var probe = query.With($"SELECT * FROM ({query.Sql.TrimEnd().TrimEnd(';')}\n) AS sluice_columns LIMIT 0", []);
        await using var command = await probe.CommandAsync(connection, snapshot, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return reader.GetColumnSchema().Select(c => SourceColumns.Map((MySqlDbColumn)c)).ToList();
    }
}
