using System.Text;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>The files source: formats, CSV dialects, globs and templated paths.</summary>
public sealed class FilesSourceTests : IDisposable
{
    private readonly TestProject _project = new();
    private int _extracts;

    private async Task<string> ExtractAsync(string with, string select = "SELECT * FROM raw")
    {
        // Each extract is another source with its own columns, so another pipeline: one name
        // would hold the second file to the contract the first one's columns inferred.
        _project.Write("pipeline.yaml", $$$"""
            name: files{{{++_extracts}}}
            tasks:
              extract: { source: files, output: raw, with: { {{{with}}} } }
              load:
                sink: duckdb
                input: raw
                # Each extract has its own columns: the table is rebuilt from them every time.
                with: { database: wh.duckdb, table: t, mode: replace, schema_evolution: recreate }
            """);
        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");
        Assert.True(result.Succeeded, result.Run.Error);
        return string.Join('\n', _project.Warehouse("wh.duckdb").Query(select.Replace("raw", "t", StringComparison.Ordinal))
            .Select(r => string.Join('|', r.Select(v => v is null ? "NULL" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Fact]
    public async Task A_csv_dialect_with_semicolons_custom_quotes_nulls_and_a_preamble_is_read_as_declared()
    {
        _project.Write("in.csv", "exported by ERP\n1;'Smith; John';n/a\n2;'O''Neil';7.5\n");

        var rows = await ExtractAsync("path: in.csv, header: false, skip_rows: 1, delimiter: ';', quote: \"'\", null_values: [n/a], columns: { id: INTEGER, name: VARCHAR, score: DOUBLE }", "SELECT id, name, score FROM raw ORDER BY id");

        Assert.Equal("1|Smith; John|NULL\n2|O'Neil|7.5", rows);
    }

    [Fact]
    public async Task A_latin1_file_is_decoded_when_its_encoding_is_given()
    {
        File.WriteAllBytes(_project.PathOf("latin.csv"), Encoding.Latin1.GetBytes("city\nZürich\nSão Paulo\n"));

        var rows = await ExtractAsync("path: latin.csv, encoding: latin-1", "SELECT city FROM raw ORDER BY city");

        Assert.Equal("São Paulo\nZürich", rows);
    }

    [Fact]
    public async Task Json_lines_json_arrays_and_parquet_are_read_by_extension()
    {
        _project.Write("a.jsonl", "{\"id\": 1, \"tags\": [\"x\"]}\n{\"id\": 2, \"tags\": []}\n");
        _project.Write("b.json", "[{\"id\": 3, \"name\": \"c\"}, {\"id\": 4, \"name\": null}]");
        Assert.Equal("1|1\n2|0", await ExtractAsync("path: a.jsonl", "SELECT id, len(tags) FROM raw ORDER BY id"));
        Assert.Equal("3|c\n4|NULL", await ExtractAsync("path: b.json", "SELECT id, name FROM raw ORDER BY id"));

        Warehouse.InMemory().Query($"COPY (SELECT 5 AS id, 'e' AS name) TO '{_project.PathOf("c.parquet")}' (FORMAT parquet)");
        Assert.Equal("5|e", await ExtractAsync("path: c.parquet"));
    }

    [Fact]
    public async Task A_glob_reads_every_matching_file_and_can_record_where_each_row_came_from()
    {
        _project.Write("in/2024/03/a.csv", "id\n1\n");
        _project.Write("in/2024/03/b.csv", "id\n2\n");
        _project.Write("in/2024/04/c.csv", "id\n3\n");

        var rows = await ExtractAsync("path: 'in/**/*.csv', filename_column: source", "SELECT id, regexp_extract(source, 'in/.*') FROM raw ORDER BY id");

        Assert.Equal("1|in/2024/03/a.csv\n2|in/2024/03/b.csv\n3|in/2024/04/c.csv", rows);
    }

    [Fact]
    public async Task Several_templated_paths_are_read_together()
    {
        _project.Write("in/orders_20240301.csv", "id\n1\n");
        _project.Write("in/returns_2024-03-01.csv", "id\n2\n");

        var rows = await ExtractAsync("path: ['in/orders_{{ ds_nodash }}.csv', 'in/returns_{{ ds }}.csv']", "SELECT id FROM raw ORDER BY id");

        Assert.Equal("1\n2", rows);
    }

    [Fact]
    public async Task A_broken_json_file_fails_naming_the_file()
    {
        _project.Write("bad.jsonl", "{\"id\": 1}\n{\"id\": \n");
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  extract: { source: files, output: raw, with: { path: bad.jsonl } }\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var error = result.Tasks.Single().Error!;
        Assert.Contains("could not read", error);
        Assert.Contains("bad.jsonl", error);
        Assert.Equal(1, result.Tasks.Single().TryNumber);
    }

    public void Dispose() => _project.Dispose();
}
