using Npgsql;
using NpgsqlTypes;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Extracts without parameters stream through <c>COPY (query) TO STDOUT (FORMAT BINARY)</c>: about
/// twice as fast as a data reader (one buffered stream instead of a message per row). COPY cannot
/// take parameters, so templated queries use the reader.
/// </summary>
internal static class SourceCopy
{
    public static bool CanUse(NpgsqlCommand command, IReadOnlyList<SourceColumn> columns) =>
        command.Parameters.Count == 0 && columns.All(c => c.Export is not null);

    public static async Task<long> StageAsync(NpgsqlConnection connection, string query, IReadOnlyList<SourceColumn> columns, DatasetWriter writer, CancellationToken cancellationToken)
    {
        // A trailing semicolon is fine in a query but not inside COPY ( ... ); the newline ends a trailing -- comment.
        var sql = query.TrimEnd().TrimEnd(';');
        await using var exporter = await connection.BeginBinaryExportAsync($"COPY ({sql}\n) TO STDOUT (FORMAT BINARY)", cancellationToken);
        var values = new object?[columns.Count];
        var readers = columns.Select(c => c.Export!).ToArray();
        long rows = 0;
        while (await exporter.StartRowAsync(cancellationToken) > 0)
        {
            for (var i = 0; i < readers.Length; i++)
            {
                if (exporter.IsNull)
                {
                    await exporter.SkipAsync(cancellationToken);
                    values[i] = null;
                }
                else
                {
                    values[i] = readers[i](exporter);
                }
            }

            writer.Append(values);
            rows++;
        }

        return rows;
    }

    /// <summary>The typed read of one scalar column, by PostgreSQL's internal type name.</summary>
    public static Func<NpgsqlBinaryExporter, object>? Reader(string internalName, string duckType) => internalName switch
    {
        "bool" => e => e.Read<bool>(NpgsqlDbType.Boolean),
        "int2" => e => e.Read<short>(NpgsqlDbType.Smallint),
        "int4" => e => e.Read<int>(NpgsqlDbType.Integer),
        "int8" => e => e.Read<long>(NpgsqlDbType.Bigint),
        "float4" => e => e.Read<float>(NpgsqlDbType.Real),
        "float8" => e => e.Read<double>(NpgsqlDbType.Double),
        "numeric" when duckType == SourceColumns.UnconstrainedNumeric => e => Math.Round(e.Read<decimal>(NpgsqlDbType.Numeric), 10, MidpointRounding.AwayFromZero),
        "numeric" => e => e.Read<decimal>(NpgsqlDbType.Numeric),
        "text" or "varchar" or "bpchar" or "name" or "citext" => e => e.Read<string>(NpgsqlDbType.Text),
        "json" => e => e.Read<string>(NpgsqlDbType.Json),
        "jsonb" => e => e.Read<string>(NpgsqlDbType.Jsonb),
        "uuid" => e => e.Read<Guid>(NpgsqlDbType.Uuid),
        "bytea" => e => e.Read<byte[]>(NpgsqlDbType.Bytea),
        "date" => e => e.Read<DateOnly>(NpgsqlDbType.Date),
        "time" => e => e.Read<TimeOnly>(NpgsqlDbType.Time),
        "timestamp" => e => e.Read<DateTime>(NpgsqlDbType.Timestamp),
        "timestamptz" => e => e.Read<DateTimeOffset>(NpgsqlDbType.TimestampTz),
        _ => null,
    };
}
