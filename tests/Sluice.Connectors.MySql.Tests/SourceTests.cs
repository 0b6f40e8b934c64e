using Sluice.Connectors.MySql.Tests.Infrastructure;
using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests;

/// <summary>source: mysql on a real MariaDB: types, bound parameters, and its errors.</summary>
public sealed class SourceTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private MyDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await MyDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    private void Extract(string with) => _project.Write("pipeline.yaml", $$"""
        name: p
        defaults: { retries: 0 }
        tasks:
          extract: { source: mysql, output: raw, with: { connection: wh, {{with}} } }
        """);

    [Fact]
    public async Task Column_types_map_to_the_duckdb_types_other_sources_produce()
    {
        await _db.ExecuteAsync("""
            CREATE TABLE t (
              ti TINYINT, uti TINYINT UNSIGNED, us SMALLINT UNSIGNED, mi MEDIUMINT, ui INT UNSIGNED, ub BIGINT UNSIGNED, b BIGINT,
              flag BOOLEAN, bit1 BIT(1), bit8 BIT(8), y YEAR,
              d10 DECIMAL(10,2), d30 DECIMAL(30,5), d50 DECIMAL(50,2), f FLOAT, dbl DOUBLE,
              dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME,
              j JSON, bl BLOB, vb VARBINARY(4), s VARCHAR(20), e ENUM('a','b'));
            INSERT INTO t VALUES (-128, 255, 65535, -8388608, 4294967295, 18446744073709551615, -9223372036854775808,
              TRUE, b'1', b'10000001', 2024,
              12345678.91, 1234567890123456789012345.12345, 123456789012345678901234567890123456789012345678.99, 1.5, 2.25,
              '2024-03-01', '2024-03-01 10:11:12.123456', '2024-03-01 23:30:00.500', '08:09:10',
              '{"a": [1, 2]}', x'00FF10', x'CAFE', 'héllo', 'b');
            INSERT INTO t (s) VALUES (NULL);
            """);
        Extract("table: t");

        await _project.RunOkAsync();

        var schema = _project.StagedSchema("p", "2024-03-01", "raw").ToDictionary(c => c.Name, c => c.Type);
        Assert.Equal("TINYINT", schema["ti"]);
        Assert.Equal("UTINYINT", schema["uti"]);
        Assert.Equal("USMALLINT", schema["us"]);
        Assert.Equal("INTEGER", schema["mi"]);
        Assert.Equal("UINTEGER", schema["ui"]);
        Assert.Equal("UBIGINT", schema["ub"]);
        Assert.Equal("BIGINT", schema["b"]);
        Assert.Equal("BOOLEAN", schema["flag"]);
        Assert.Equal("BOOLEAN", schema["bit1"]);
        Assert.Equal("UBIGINT", schema["bit8"]);
        Assert.Equal("DECIMAL(10,2)", schema["d10"]);
        Assert.Equal("DECIMAL(30,5)", schema["d30"]);
        Assert.Equal("VARCHAR", schema["d50"]);
        Assert.Equal("FLOAT", schema["f"]);
        Assert.Equal("DOUBLE", schema["dbl"]);
        Assert.Equal("DATE", schema["dt"]);
        Assert.Equal("TIMESTAMP", schema["dtm"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", schema["ts"]);
        Assert.Equal("TIME", schema["tm"]);
        Assert.Equal("BLOB", schema["bl"]);
        Assert.Equal("BLOB", schema["vb"]);
        Assert.Equal("VARCHAR", schema["s"]);
        Assert.Equal("VARCHAR", schema["e"]);
        // MariaDB's JSON is LONGTEXT with a JSON_VALID check: its result metadata says text.
        Assert.Equal("VARCHAR", schema["j"]);

        var row = _project.Rows("p", "2024-03-01", "raw",
            "ti, uti, us, mi, ui, ub::VARCHAR, b, flag, bit1, bit8, y, d10::VARCHAR, d30::VARCHAR, d50, dtm::VARCHAR, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%g'), tm::VARCHAR, j::VARCHAR, hex(bl), hex(vb), s, e, dt::VARCHAR")
            .Single(r => r[20] is not null);
        Assert.Equal<object?>(
            [(sbyte)-128, (byte)255, (ushort)65535, -8388608, 4294967295u, "18446744073709551615", long.MinValue, true, true, 129UL, (short)2024,
             "12345678.91", "1234567890123456789012345.12345", "123456789012345678901234567890123456789012345678.99",
             "2024-03-01 10:11:12.123456", "2024-03-01 23:30:00.500", "08:09:10", "{\"a\": [1, 2]}", "00FF10", "CAFE", "héllo", "b", "2024-03-01"],
            row);
        Assert.Equal(2, _project.Rows("p", "2024-03-01", "raw").Count);
    }

    [Fact]
    public async Task Template_values_are_bound_as_parameters_not_pasted_into_the_sql()
    {
        await _db.ExecuteAsync("""
            CREATE TABLE orders (id INT, order_date DATE, region VARCHAR(10), at DATETIME);
            INSERT INTO orders VALUES (1, '2024-03-01', 'eu', '2024-03-01 10:00'), (2, '2024-03-02', 'eu', '2024-03-02 10:00'), (3, '2024-03-02', 'us', '2024-03-02 23:30');
            """);
        _project.Write("pipeline.yaml", """
            name: p
            params: { region: "eu' OR 'x' = 'x" }
            tasks:
              by_day:
                source: mysql
                output: day
                with:
                  connection: wh
                  query: |
                    SELECT id FROM orders
                    WHERE order_date = {{ ds }} AND at >= {{ data_interval_start }} AND at < {{ data_interval_end }}
              by_param:
                source: mysql
                output: param
                with: { connection: wh, query: "SELECT id FROM orders WHERE region = '{{ params.region }}'" }
            """);

        await _project.RunOkAsync("2024-03-02");

        Assert.Equal([2, 3], _project.Rows("p", "2024-03-02", "day", "id").Select(r => (int)r[0]!).Order());
        // Pasted, the parameter would have matched every row; bound, it matches none.
        Assert.Empty(_project.Rows("p", "2024-03-02", "param"));
    }

    [Fact]
    public async Task A_large_result_streams_through_and_every_row_arrives()
    {
        // seq_1_to_N is MariaDB's Sequence engine.
        await _db.ExecuteAsync("CREATE TABLE big (i INT PRIMARY KEY, pad VARCHAR(100)); INSERT INTO big SELECT seq, REPEAT('x', 100) FROM seq_1_to_200000");
        Extract("table: big");

        await _project.RunOkAsync();

        Assert.Equal<object?>([200000L, 200000L * 200001 / 2], _project.Rows("p", "2024-03-01", "raw", "count(*), sum(i)::BIGINT").Single());
    }

    [Fact]
    public async Task An_unknown_table_names_the_closest_one()
    {
        await _db.ExecuteAsync("CREATE TABLE customers (id INT)");
        Extract("table: custmers");

        var error = await _project.RunFailsAsync();

        Assert.Contains("unknown table 'custmers'", error, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'customers'?", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
    }

    [Fact]
    public async Task A_value_that_does_not_fit_fails_the_task_and_stages_nothing()
    {
        // Rows before it have streamed out already: they must not pass as the dataset.
        await _db.ExecuteAsync("CREATE TABLE spans (id INT, span TIME); INSERT INTO spans VALUES (1, '01:00:00'), (2, '02:00:00'), (3, '30:00:00')");
        Extract("query: SELECT * FROM spans ORDER BY id");

        var error = await _project.RunFailsAsync();

        Assert.Contains("the TIME value 1.06:00:00 is not a time of day", error, StringComparison.Ordinal);
        Assert.Contains("Cast the column in the query", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
    }

    [Fact]
    public async Task A_wrong_password_says_what_to_check_and_never_shows_the_password()
    {
        _project.Write("connections.yaml", _db.ConnectionsYaml(password: "Wr0ng-s3cret-pw"));
        Extract("table: t");

        var error = await _project.RunFailsAsync();

        Assert.Contains("connection 'wh' (mysql at", error, StringComparison.Ordinal);
        Assert.Contains("Access denied", error, StringComparison.Ordinal);
        Assert.Contains("Check the username and the password", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-s3cret-pw", error, StringComparison.Ordinal);
        Assert.DoesNotContain(MyDatabase.Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_names_host_and_port()
    {
        var closed = FreePort();
        _project.Write("connections.yaml", _db.ConnectionsYaml(port: closed));
        Extract("table: t");

        var error = await _project.RunFailsAsync();

        Assert.Contains($"could not connect to {MyDatabase.Host}:{closed}", error, StringComparison.Ordinal);
        Assert.Contains("Check that MySQL/MariaDB is running", error, StringComparison.Ordinal);
        Assert.DoesNotContain(MyDatabase.Password, error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
