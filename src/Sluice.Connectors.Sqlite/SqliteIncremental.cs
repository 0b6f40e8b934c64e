using Microsoft.Data.Sqlite;
using Sluice.Engine.DuckDb;
using Sluice.Incremental;

namespace Sluice.Connectors.Sqlite;

/// <summary>
/// Turns a source's command into its incremental read: the query wrapped with the cursor bounds as
/// parameters, in cursor order, and the highest cursor read first in the same read transaction.
/// SQLite compares values as stored, so a watermark read from the file (text, integer) goes back
/// exactly as it was.
/// </summary>
internal static class SqliteIncremental
{
    public static async Task<CursorValue?> ApplyAsync(IncrementalRead read, SqliteCommand command, SqliteTransaction snapshot, string where, Func<object?, object> parameter, CancellationToken cancellationToken)
    {
        command.Transaction = snapshot;
        var inner = command.CommandText;
        var column = read.ResolveColumn(await ColumnsAsync(command, inner, cancellationToken), where);
        var bounds = read.Parameters(value => parameter(value));
        await using var max = command.Connection!.CreateCommand();
        max.Transaction = snapshot;
        max.CommandText = read.WrapMax(inner, column, SqlText.Identifier, Placeholder);
        foreach (SqliteParameter p in command.Parameters)
        {
            max.Parameters.AddWithValue(p.ParameterName, p.Value);
        }

        foreach (var (name, value) in bounds)
        {
            max.Parameters.AddWithValue(Placeholder(name), value);
            command.Parameters.AddWithValue(Placeholder(name), value);
        }

        command.CommandText = read.Wrap(inner, column, SqlText.Identifier, Placeholder);
        var highest = await max.ExecuteScalarAsync(cancellationToken);
        return highest is null or DBNull ? null : CursorValue.From(highest);
    }

    private static string Placeholder(string name) => "@" + name;

    /// <summary>The query's column names, without reading a row.</summary>
    private static async Task<IReadOnlyCollection<string>> ColumnsAsync(SqliteCommand command, string inner, CancellationToken cancellationToken)
    {
        var text = command.CommandText;
        command.CommandText = $"SELECT * FROM ({inner.TrimEnd().TrimEnd(';')}\n) LIMIT 0";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        }
        finally
        {
            command.CommandText = text;
        }
    }
}
