using System.Data.Common;
using MySqlConnector;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.MySql;

/// <summary>
/// Streams a staged dataset into a table with MySqlBulkCopy (LOAD DATA LOCAL INFILE fed from memory,
/// row by row, so memory stays bounded). DuckDB first turns each value into a form MySQL reads back
/// exactly (<see cref="MySqlTypes.Export"/>). LOAD DATA LOCAL downgrades bad values and duplicate keys
/// to warnings (the server cannot stop the client's stream), so any warning fails the load and the
/// caller's transaction rolls it back: nothing is silently truncated or skipped.
/// </summary>
internal static class BulkLoad
{
    public static async Task<long> RunAsync(MySqlConnection connection, MySqlTransaction transaction, string quotedTable, DatasetReader input, string where, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(input.Settings, cancellationToken);
        await session.ExecuteAsync("SET TimeZone = 'UTC'", [], cancellationToken);
        await session.BindDatasetAsync("staged", input.ParquetPath, cancellationToken);
        var select = string.Join(", ", input.Columns.Select(c => MySqlTypes.Export(SqlText.Identifier(c.Name), c.Type)));
        await using var command = session.Connection.CreateCommand();
        command.CommandText = $"SELECT {select} FROM staged";
        command.UseStreamingMode = true;
        await using DbDataReader rows = await command.ExecuteReaderAsync(cancellationToken);

        var bulk = new MySqlBulkCopy(connection, transaction) { DestinationTableName = quotedTable, BulkCopyTimeout = 0 };
        for (var i = 0; i < input.Columns.Count; i++)
        {
            var (name, type) = input.Columns[i];
            bulk.ColumnMappings.Add(MySqlTypes.IsBlob(type)
                ? new MySqlBulkCopyColumnMapping(i, $"@sluice_{i}", $"{MySqlText.Identifier(name)} = UNHEX(@sluice_{i})")
                : new MySqlBulkCopyColumnMapping(i, name));
        }

        var result = await bulk.WriteToServerAsync(rows, cancellationToken);
        if (result.Warnings.Count > 0)
        {
            var examples = string.Join("; ", result.Warnings.Take(3).Select(w => $"{w.Message} ({w.ErrorCode})"));
            throw new BadDataException($"{where}: the server could not store {result.Warnings.Count} value(s) or row(s) as given: {examples}. Fix the data or the column types; nothing was loaded.");
        }

        return result.RowsInserted;
    }
}
