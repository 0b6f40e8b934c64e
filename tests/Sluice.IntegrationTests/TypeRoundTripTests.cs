using System.Globalization;
using DuckDB.NET.Data;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests;

/// <summary>
/// Generated values of every supported type (bounds, 38-digit decimals, -0.0 and subnormal doubles,
/// text with quotes, line breaks, unicode and control characters, dates before 1900 and far ahead,
/// timestamps with and without time zone, booleans, NULLs), written as CSV, JSON lines and Parquet,
/// read by the files source, staged, and loaded by the DuckDB sink and the Parquet lake sink: every
/// value must come back as it was, compared as text. SLUICE_PROPERTY_SEED and SLUICE_PROPERTY_ROWS
/// change the sample.
/// </summary>
public sealed class TypeRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private const string Columns = "id BIGINT, i INTEGER, b BIGINT, d DECIMAL(38,10), f DOUBLE, s VARCHAR, dt DATE, ts TIMESTAMP, tz TIMESTAMPTZ, ok BOOLEAN";

    private static readonly string[] Texts = ["plain", "comma, inside", "quote \" inside", "\"\"", "line\nbreak", "crlf\r\nbreak", "tab\there", "ünïcødé 日本 😀", "bell\u0007 and esc\u001b", "\u202Ebidi", "  spaces  ", "'single'", "back\\slash", "NULL", "-", "0", "null"];

    private readonly TestProject _project = new();

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    [InlineData("parquet")]
    public async Task Generated_values_of_every_type_round_trip_exactly_through_a_source_format_staging_and_both_sinks(string format)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_PROPERTY_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 11;
        var rows = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_PROPERTY_ROWS"), CultureInfo.InvariantCulture, out var r) ? r : 300;
        var source = _project.PathOf("source.duckdb");
        Generate(source, seed, rows);
        Export(source, format);
        var declared = format == "parquet" ? string.Empty : ", columns: { " + string.Join(", ", Columns.Split(", ").Select(c => $"{c.Split(' ')[0]}: '{c.Split(' ', 2)[1]}'")) + " }";
        _project.Write("pipeline.yaml", $$"""
            name: types
            tasks:
              extract: { source: files, output: raw, with: { path: in.{{format}}{{declared}} } }
              warehouse: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t, mode: replace } }
              lake: { sink: parquet, input: raw, with: { path: lake/t, mode: replace } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        Assert.True(result.Succeeded, result.Run.Error);
        var expected = AsText(source, "SELECT * FROM t");
        var loaded = new Dictionary<string, List<string>>
        {
            ["staged"] = AsText(":memory:", Warehouse.Parquet(_project.Staged("types", "2024-03-01", "raw"))),
            ["duckdb sink"] = AsText(_project.PathOf("wh.duckdb"), "SELECT * FROM t"),
            ["parquet lake"] = AsText(":memory:", Warehouse.Parquet(_project.PathOf("lake/t") + "/**/*.parquet")),
        };
        foreach (var (where, actual) in loaded)
        {
            var differences = expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"  expected {p.First}\n  actual   {p.Second}").Take(5).ToList();
            var line = $"{format} -> {where}: {actual.Count} of {expected.Count} generated rows (seed {seed}) compared, {differences.Count} differ";
            output.WriteLine(line);
            Console.WriteLine(line);
            Assert.True(actual.Count == expected.Count && differences.Count == 0, line + "\n" + string.Join('\n', differences));
        }
    }

    /// <summary>Every row as one text line, columns cast to VARCHAR in the same session time zone, in id order.</summary>
    private static List<string> AsText(string database, string query)
    {
        using var connection = new DuckDBConnection($"DataSource={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SET TimeZone = 'UTC'; SELECT concat_ws(' | ', id, i, b, d, CASE WHEN f IS NULL THEN 'NULL' ELSE f::VARCHAR || CASE WHEN signbit(f) THEN '(sign-)' ELSE '' END END, coalesce(to_json(s)::VARCHAR, 'NULL'), dt, ts, tz, ok) FROM ({query}) ORDER BY id";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private void Export(string source, string format)
    {
        using var connection = new DuckDBConnection($"DataSource={source}");
        connection.Open();
        using var command = connection.CreateCommand();
        var target = _project.PathOf($"in.{format}").Replace("'", "''", StringComparison.Ordinal);
        var options = format switch { "csv" => "FORMAT csv, HEADER", "jsonl" => "FORMAT json", _ => "FORMAT parquet" };
        command.CommandText = $"SET TimeZone = 'UTC'; COPY (SELECT * FROM t ORDER BY id) TO '{target}' ({options})";
        command.ExecuteNonQuery();
    }

    private static void Generate(string path, int seed, int rows)
    {
        var random = new Random(seed);
        using var connection = new DuckDBConnection($"DataSource={path}");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"SET TimeZone = 'UTC'; CREATE TABLE t ({Columns})";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO t VALUES ($id, $i, $b, CAST($d AS DECIMAL(38,10)), $f, $s, CAST($dt AS DATE), CAST($ts AS TIMESTAMP), CAST($tz AS TIMESTAMPTZ), $ok)";
        for (var id = 1; id <= rows; id++)
        {
            insert.Parameters.Clear();
            insert.Parameters.Add(new DuckDBParameter("id", (long)id));
            insert.Parameters.Add(new DuckDBParameter("i", Maybe(random, Pick(random, int.MinValue, int.MaxValue, 0, -1, random.Next(int.MinValue, int.MaxValue)))));
            insert.Parameters.Add(new DuckDBParameter("b", Maybe(random, Pick(random, long.MinValue, long.MaxValue, 0L, 9007199254740993L, random.NextInt64(long.MinValue, long.MaxValue)))));
            insert.Parameters.Add(new DuckDBParameter("d", Maybe(random, Pick(random, new string('9', 28) + "." + new string('9', 10), "-" + new string('9', 28) + "." + new string('9', 10), "0.0000000001", Digits(random, 28) + "." + Digits(random, 10), "-" + Digits(random, 5) + "." + Digits(random, 3)))));
            insert.Parameters.Add(new DuckDBParameter("f", Maybe(random, Pick(random, -0.0, double.Epsilon, double.MaxValue, double.MinValue, 0.1, 1e-300, 5e-324 * 3, random.NextDouble() * Math.Pow(10, random.Next(-30, 30))))));
            insert.Parameters.Add(new DuckDBParameter("s", Maybe(random, string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Texts[random.Next(Texts.Length)])))));
            insert.Parameters.Add(new DuckDBParameter("dt", Maybe(random, Pick(random, "0001-01-01", "1752-09-14", "1899-12-31", "1900-02-28", "2024-02-29", "9999-12-31", new DateOnly(1, 1, 1).AddDays(random.Next(3_652_058)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))));
            insert.Parameters.Add(new DuckDBParameter("ts", Maybe(random, Pick(random, "1850-06-01 12:34:56.123456", "1970-01-01 00:00:00", "2262-04-11 23:47:16.854775", "9999-12-31 23:59:59.999999", Timestamp(random)))));
            insert.Parameters.Add(new DuckDBParameter("tz", Maybe(random, Pick(random, "1899-12-31 23:59:59+05:30", "2024-03-31 01:30:00-08:00", "2024-10-27 02:30:00+01:00", Timestamp(random) + "+00:00"))));
            insert.Parameters.Add(new DuckDBParameter("ok", Maybe(random, random.Next(2) == 0)));
            insert.ExecuteNonQuery();
        }
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static object Maybe<T>(Random random, T value) => random.Next(8) == 0 || value is null ? DBNull.Value : value;

    private static string Digits(Random random, int count) => new(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))).ToArray());

    private static string Timestamp(Random random) =>
        new DateTime(1, 1, 1).AddTicks(random.NextInt64(DateTime.MaxValue.Ticks) / 10 * 10).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public void Dispose() => _project.Dispose();
}
