using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>PostgreSQL -> staged dataset -> PostgreSQL keeps every supported type, value and null.</summary>
public sealed class TypeRoundTripTests : IAsyncLifetime
{
    private const string Columns = """
        id integer PRIMARY KEY, i2 smallint, i8 bigint, f4 real, f8 double precision,
        money numeric(12,3), loose numeric, big numeric(38,6), flag boolean, name text, code varchar(20), letter char(3),
        day date, at_time time, at timestamp, at_tz timestamptz, doc jsonb, raw_json json, uid uuid, bytes bytea,
        ints integer[], longs bigint[], words text[], amounts numeric(10,2)[], uids uuid[], days date[], span interval
        """;

    private const string Rows = """
        (1, -32768, 9223372036854775807, 1.5, 2.2250738585072014e-308, 123456789.123, 0.1234567891, 1234567890123456789012.123456, true,
         'héllo ''quoted'' "double"; DROP', 'v', 'ab', '2024-02-29', '23:59:59.999999', '2024-03-01 12:34:56.789012', '2024-03-01 12:34:56.789012+05:30',
         '{"a": [1, 2, {"b": null}], "é": "x"}', '{"keep":  "spacing"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff10',
         '{1,NULL,3}', '{9223372036854775807}', '{"a",NULL,"c d"}', '{1.50,NULL,-2.25}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{2024-01-01,NULL}', '1 day 02:03:04'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, 0, -1, 'NaN', '-Infinity', -0.001, -42, 0, false, '', '', '', '0100-01-01', '00:00', '1970-01-01 00:00', '1999-12-31 23:59:59.5-08',
         '[]', 'null', '00000000-0000-0000-0000-000000000000', '\x', '{}', '{}', '{}', '{}', '{}', '{}', '-1 mon')
        """;

    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        await _db.ExecuteAsync($"CREATE TABLE src ({Columns}); INSERT INTO src VALUES {Rows}; CREATE TABLE same (LIKE src INCLUDING ALL); ALTER TABLE same ALTER span TYPE text;");
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    [Fact]
    public async Task Every_type_survives_extract_and_load_into_an_identical_table()
    {
        Pipeline("mode: append", "same");

        await _project.RunOkAsync();

        // json has no equality operator; compare it as text, and the rest exactly.
        var differences = await _db.QueryAsync("""
            SELECT count(*) FROM (
              (SELECT id, i2, i8, f4, f8, money, loose, big, flag, name, code, letter, day, at_time, at, at_tz, doc, raw_json::text, uid, bytes, ints, longs, words, amounts, uids, days, span::text FROM src
               EXCEPT ALL
               SELECT id, i2, i8, f4, f8, money, loose, big, flag, name, code, letter, day, at_time, at, at_tz, doc, raw_json::text, uid, bytes, ints, longs, words, amounts, uids, days, span FROM same)
              UNION ALL
              (SELECT id, i2, i8, f4, f8, money, loose, big, flag, name, code, letter, day, at_time, at, at_tz, doc, raw_json::text, uid, bytes, ints, longs, words, amounts, uids, days, span FROM same
               EXCEPT ALL
               SELECT id, i2, i8, f4, f8, money, loose, big, flag, name, code, letter, day, at_time, at, at_tz, doc, raw_json::text, uid, bytes, ints, longs, words, amounts, uids, days, span::text FROM src)) d
            """);
        Assert.Equal(0L, differences[0][0]);
        Assert.Equal(await _db.SnapshotAsync("src"), await _db.SnapshotAsync("same"));
    }

    [Fact]
    public async Task The_staged_dataset_has_faithful_duckdb_types_and_a_new_table_gets_matching_postgres_types()
    {
        Pipeline("mode: append", "created");

        await _project.RunOkAsync();

        var staged = StagedFile.Schema(_project.Staged("types", "2024-03-01", "raw")).ToDictionary(c => c.Name, c => c.Type);
        Assert.Equal("INTEGER", staged["id"]);
        Assert.Equal("SMALLINT", staged["i2"]);
        Assert.Equal("BIGINT", staged["i8"]);
        Assert.Equal("FLOAT", staged["f4"]);
        Assert.Equal("DOUBLE", staged["f8"]);
        Assert.Equal("DECIMAL(12,3)", staged["money"]);
        Assert.Equal("DECIMAL(38,10)", staged["loose"]);
        Assert.Equal("DECIMAL(38,6)", staged["big"]);
        Assert.Equal("BOOLEAN", staged["flag"]);
        Assert.Equal("VARCHAR", staged["name"]);
        Assert.Equal("DATE", staged["day"]);
        Assert.Equal("TIME", staged["at_time"]);
        Assert.Equal("TIMESTAMP", staged["at"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", staged["at_tz"]);
        Assert.Equal("JSON", staged["doc"]);
        Assert.Equal("UUID", staged["uid"]);
        Assert.Equal("BLOB", staged["bytes"]);
        Assert.Equal("INTEGER[]", staged["ints"]);
        Assert.Equal("VARCHAR[]", staged["words"]);
        Assert.Equal("DECIMAL(10,2)[]", staged["amounts"]);
        Assert.Equal("DATE[]", staged["days"]);
        Assert.Equal("VARCHAR", staged["span"]);

        var created = (await _db.QueryAsync("SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = 'created'::regclass AND a.attname = c.column_name WHERE table_name = 'created'"))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("numeric(12,3)", created["money"]);
        Assert.Equal("numeric(38,10)", created["loose"]);
        Assert.Equal("timestamp with time zone", created["at_tz"]);
        Assert.Equal("jsonb", created["doc"]);
        Assert.Equal("integer[]", created["ints"]);
        Assert.Equal("numeric(10,2)[]", created["amounts"]);
        Assert.Equal("uuid", created["uid"]);
        Assert.Equal("bytea", created["bytes"]);

        var compared = await _db.QueryAsync("""
            SELECT count(*) FROM src s JOIN created c USING (id)
            WHERE s.i8 IS NOT DISTINCT FROM c.i8 AND s.money IS NOT DISTINCT FROM c.money AND s.loose IS NOT DISTINCT FROM c.loose
              AND s.big IS NOT DISTINCT FROM c.big AND s.at_tz IS NOT DISTINCT FROM c.at_tz AND s.at IS NOT DISTINCT FROM c.at
              AND s.doc IS NOT DISTINCT FROM c.doc AND s.raw_json::jsonb IS NOT DISTINCT FROM c.raw_json AND s.ints IS NOT DISTINCT FROM c.ints
              AND s.amounts IS NOT DISTINCT FROM c.amounts AND s.uid IS NOT DISTINCT FROM c.uid AND s.bytes IS NOT DISTINCT FROM c.bytes
              AND s.name IS NOT DISTINCT FROM c.name AND s.f8 IS NOT DISTINCT FROM c.f8 AND s.f4 IS NOT DISTINCT FROM c.f4
              AND s.day IS NOT DISTINCT FROM c.day AND s.days IS NOT DISTINCT FROM c.days AND s.span::text IS NOT DISTINCT FROM c.span
            """);
        Assert.Equal(3L, compared[0][0]);
    }

    [Fact]
    public async Task Scalar_columns_extracted_through_binary_copy_keep_their_values()
    {
        // No parameters and no arrays: the source streams COPY ... (FORMAT BINARY) instead of a reader.
        const string Scalars = "id, i2, i8, f4, f8, money, loose, big, flag, name, code, letter, day, at_time, at, at_tz, doc, raw_json, uid, bytes";
        _project.Write("pipeline.yaml", $$"""
            name: types
            tasks:
              extract: { source: postgres, output: raw, with: { connection: wh, query: "SELECT {{Scalars}} FROM src -- trailing comment" } }
              load: { sink: postgres, input: raw, with: { connection: wh, table: scalars } }
            """);

        await _project.RunOkAsync();

        var differences = await _db.QueryAsync($"""
            SELECT count(*) FROM (
              SELECT {Scalars.Replace("raw_json", "raw_json::jsonb", StringComparison.Ordinal)} FROM src
              EXCEPT ALL SELECT {Scalars} FROM scalars) d
            """);
        Assert.Equal(0L, differences[0][0]);
        Assert.Equal(3L, await _db.ScalarAsync<long>("SELECT count(*) FROM scalars"));
    }

    [Fact]
    public async Task Columns_whose_text_form_is_exact_extract_and_load_through_csv_and_keep_their_values()
    {
        // Text that CSV must quote, an empty string beside a null, a half-way rounding of an unconstrained
        // numeric, and timestamptz printed in a session time zone that is not UTC.
        await _db.ExecuteAsync($$"""
            INSERT INTO src (id, name, code, loose, at_tz, f8, doc) VALUES
              (4, E'line one\nline two, with "quotes"\r\n', '', 0.12345678905, '2024-06-30 23:30:00+00', 'Infinity', E'{"multi": "line\\nvalue"}'),
              (5, ',', NULL, -0.12345678905, '1900-01-01 00:00:00+00', 1e308, '{}');
            ALTER DATABASE {{SqlIdentifier(_db.Name)}} SET TimeZone = 'Asia/Kathmandu';
            """);
        const string Exact = "id, i2, i8, f8, money, loose, big, flag, name, code, letter, day, at, at_tz, doc, raw_json, uid";
        _project.Write("pipeline.yaml", $$"""
            name: types
            tasks:
              extract: { source: postgres, output: raw, with: { connection: wh, query: "SELECT {{Exact}} FROM src" } }
              load: { sink: postgres, input: raw, with: { connection: wh, table: exact } }
            """);
        var lines = new RunLog();

        await _project.RunOkAsync(observer: lines);

        Assert.Contains(lines.Lines, l => l.StartsWith("extract: streaming COPY", StringComparison.Ordinal) && l.Contains("FORMAT csv", StringComparison.Ordinal));
        Assert.Contains(lines.Lines, l => l.StartsWith("load: streaming the dataset as CSV", StringComparison.Ordinal));
        var differences = await _db.QueryAsync($"""
            SELECT count(*) FROM (
              SELECT {Exact.Replace("raw_json", "raw_json::jsonb", StringComparison.Ordinal).Replace("loose", "round(loose, 10)", StringComparison.Ordinal)} FROM src
              EXCEPT ALL SELECT {Exact} FROM exact) d
            """);
        Assert.Equal(0L, differences[0][0]);
        Assert.Equal(5L, await _db.ScalarAsync<long>("SELECT count(*) FROM exact"));
        Assert.Equal(0.1234567891m, await _db.ScalarAsync<decimal>("SELECT loose FROM exact WHERE id = 4"));
        Assert.Equal(-0.1234567891m, await _db.ScalarAsync<decimal>("SELECT loose FROM exact WHERE id = 5"));
        Assert.Equal(string.Empty, await _db.ScalarAsync<string>("SELECT code FROM exact WHERE id = 4"));
        Assert.True(await _db.ScalarAsync<bool>("SELECT code IS NULL FROM exact WHERE id = 5"));
        Assert.Equal("line one\nline two, with \"quotes\"\r\n", await _db.ScalarAsync<string>("SELECT name FROM exact WHERE id = 4"));
    }

    private static string SqlIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void Pipeline(string with, string table) => _project.Write("pipeline.yaml", $$"""
        name: types
        tasks:
          extract: { source: postgres, output: raw, with: { connection: wh, table: src } }
          load: { sink: postgres, input: raw, with: { connection: wh, table: {{table}}, {{with}} } }
        """);

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
