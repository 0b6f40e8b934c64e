using DuckDB.NET.Data;

namespace Sluice.Bench.Transforms;

/// <summary>
/// What a Parquet output holds: its columns and types, its row count, and a hash over every row and
/// its position in the file, so two outputs agree only with the same rows in the same order. Floating
/// point values are hashed at 9 significant digits: a parallel sum or mean may differ in its last bits
/// from one run to the next, on either side.
/// </summary>
internal sealed record Fingerprint(string Columns, long Rows, string Hash)
{
    public static async Task<Fingerprint> OfAsync(DuckDBConnection connection, string parquetPath)
    {
        var file = $"read_parquet({Duck.Literal(parquetPath)}, file_row_number = true)";
        var columns = (await Duck.QueryAsync(connection, $"DESCRIBE SELECT * EXCLUDE (file_row_number) FROM {file}"))
            .Select(r => (Name: (string)r[0]!, Type: (string)r[1]!)).ToList();
        var values = columns.Select(c => c.Type is "DOUBLE" or "FLOAT" ? $"format('{{:.9g}}', \"{c.Name}\")" : $"\"{c.Name}\"");
        var row = await Duck.QueryAsync(connection, $"SELECT count(*), coalesce(sum(hash(file_row_number, {string.Join(", ", values)})::HUGEINT), 0)::VARCHAR FROM {file}");
        return new Fingerprint(string.Join(", ", columns.Select(c => $"{c.Name} {c.Type}")), (long)row[0][0]!, (string)row[0][1]!);
    }
}
