using System.Text.RegularExpressions;

namespace Sluice.IntegrationTests;

/// <summary>Malformed CSV rows: one message per row with the right column count, and unbalanced quotes found with their line.</summary>
public sealed class CsvBadRowTests : IDisposable
{
    // Line 3 misses two columns, line 4 has two too many, line 5 misses two and has a bad id, line 7 has one field.
    private const string Ragged = "id,name,amount,day\n1,a,1.5,2024-01-01\n2,b\n3,c,2.5,2024-01-01,extra,more\nx,d\n6,f,4,2024-01-02\n9\n";

    private readonly TestProject _project = new();

    private async Task<Execution.RunResult> RunAsync(string csv, string policy = "fail")
    {
        _project.Write("in.csv", csv);
        _project.Write("pipeline.yaml", $$"""
            name: bad
            tasks:
              extract:
                source: files
                output: raw
                on_bad_rows: {{policy}}
                with: { path: in.csv, columns: { id: INTEGER, name: VARCHAR, amount: DOUBLE, day: DATE } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t, mode: replace } }
            """);
        return await _project.RunAsync("pipeline.yaml", "2024-03-01");
    }

    private List<object?[]> Quarantine(string columns = "line_number, error_type, reason, raw_line") =>
        Warehouse.InMemory().Query($"SELECT {columns} FROM read_parquet('{_project.Staged("bad", "2024-03-01", "raw_quarantine")}') ORDER BY line_number");

    [Fact]
    public async Task Each_malformed_row_is_reported_once_with_the_number_of_fields_it_really_has()
    {
        var result = await RunAsync(Ragged);

        var error = result.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.Contains("4 malformed CSV row(s)", error);
        foreach (var line in new[] { 3, 4, 5, 7 })
        {
            Assert.Single(Regex.Matches(error, $@"in\.csv:{line}:"));
        }

        Assert.Contains("in.csv:3: Expected Number of Columns: 4 Found: 2 (row: 2,b)", error);
        Assert.Contains("in.csv:4: Expected Number of Columns: 4 Found: 6 (row:", error);
        Assert.Contains("in.csv:5: Expected Number of Columns: 4 Found: 2; Error when converting column \"id\"", error);
        Assert.False(_project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public async Task A_quarantined_malformed_row_is_one_quarantine_row_with_the_right_count()
    {
        var result = await RunAsync(Ragged, "quarantine");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(4, result.RowsQuarantined);
        Assert.Equal(
            [
                "3|MISSING COLUMNS|Expected Number of Columns: 4 Found: 2|2,b",
                "4|TOO MANY COLUMNS|Expected Number of Columns: 4 Found: 6|3,c,2.5,2024-01-01,extra,more",
                "5|MISSING COLUMNS|Expected Number of Columns: 4 Found: 2; Error when converting column \"id\". Could not convert string \"x\" to 'INTEGER'|x,d",
                "7|MISSING COLUMNS|Expected Number of Columns: 4 Found: 1|9",
            ],
            Quarantine().Select(r => string.Join('|', r)));
        Assert.Equal(["1|a", "6|f"], _project.Warehouse("wh.duckdb").Query("SELECT id, name FROM t ORDER BY id").Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task An_unbalanced_quote_fails_naming_its_line_instead_of_the_whole_file()
    {
        var result = await RunAsync("id,name,amount,day\n1,a,1.5,2024-01-01\n2,\"b,2,2024-01-01\n3,c,2.5,2024-01-02\n");

        var error = result.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.Contains("2 malformed CSV row(s):", error);
        Assert.Contains("in.csv:3: the quote opened at line 3 column 3 never closes, so that field would swallow every line to the end of the file; close or double the quote (row: 2,\"b,2,2024-01-01)", error);
        Assert.Contains("in.csv:4: part of the malformed record that starts at line 3: the quote opened", error);
        Assert.DoesNotContain("sniffing", error);
        Assert.False(_project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public async Task With_quarantine_an_unbalanced_quote_sets_aside_its_line_and_the_lines_it_swallows_each_reported()
    {
        var result = await RunAsync("id,name,amount,day\n1,a,1.5,2024-01-01\n2,\"b,2,2024-01-01\n3,c,2.5,2024-01-02\n", "quarantine");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, result.RowsQuarantined);
        var rows = Quarantine("line_number, error_type, raw_line, reason");
        Assert.Equal(["3|UNBALANCED QUOTE|2,\"b,2,2024-01-01", "4|UNBALANCED QUOTE|3,c,2.5,2024-01-02"], rows.Select(r => $"{r[0]}|{r[1]}|{r[2]}"));
        Assert.StartsWith("part of the malformed record that starts at line 3: the quote opened at line 3 column 3 never closes", (string)rows[1][3]!);
        Assert.Equal(["1|a"], _project.Warehouse("wh.duckdb").Query("SELECT id, name FROM t ORDER BY id").Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task A_quote_that_closes_lines_later_quarantines_only_the_lines_it_swallowed_and_the_rest_loads()
    {
        var result = await RunAsync("id,name,amount,day\n1,a,1.5,2024-01-01\n2,\"b\n3,c,2.5,2024-01-02\n4,d\"\n5,e,4,2024-01-04\n6,\"multi\nline\",5,2024-01-05\n", "quarantine");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(3, result.RowsQuarantined);
        Assert.Equal(["3|MISSING COLUMNS", "4|MISSING COLUMNS", "5|MISSING COLUMNS"], Quarantine("line_number, error_type").Select(r => $"{r[0]}|{r[1]}"));
        Assert.Contains("Expected Number of Columns: 4 Found: 2 (one record across lines 3-5)", (string)Quarantine("reason")[0][0]!);
        Assert.Equal(["1|a", "5|e", "6|multi\nline"], _project.Warehouse("wh.duckdb").Query("SELECT id, name FROM t ORDER BY id").Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task Mixed_line_ends_are_read_and_a_nul_byte_or_lone_carriage_return_is_a_bad_row_not_silent_data()
    {
        var csv = "id,name,amount,day\r\n1,a,1.5,2024-01-01\n2,b\0x,2,2024-01-01\r\n3,c,2.5,2024-01-02\n4,d\re,3,2024-01-03\n5,\"q\r\nr\",4,2024-01-04\r\n";

        var failed = await RunAsync(csv);
        var error = failed.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.Contains("in.csv:3: a NUL byte (\\0) at column 4 in field 2", error);
        Assert.Contains("in.csv:5: a carriage return without a line feed at column 4", error);

        var result = await RunAsync(csv, "quarantine");
        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["3|NUL BYTE|2,b\\0x,2,2024-01-01", "5|LINE END|4,d\re,3,2024-01-03"], Quarantine("line_number, error_type, raw_line").Select(r => string.Join('|', r)));
        Assert.Equal(["1|a", "3|c", "5|q\r\nr"], _project.Warehouse("wh.duckdb").Query("SELECT id, name FROM t ORDER BY id").Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task A_bad_row_after_a_field_spanning_lines_is_reported_at_its_own_line()
    {
        // DuckDB counts each two-line record as one line, and reported the bad id at line 5.
        var result = await RunAsync("id,name,amount,day\n1,\"multi\nline\",1.5,2024-01-01\n\n2,\"a\r\nb\",2,2024-01-01\nx,b,2,2024-01-01\n");

        var error = result.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.Contains("1 malformed CSV row(s):", error);
        Assert.Contains("in.csv:7: Error when converting column \"id\"", error);
    }

    public void Dispose() => _project.Dispose();
}
