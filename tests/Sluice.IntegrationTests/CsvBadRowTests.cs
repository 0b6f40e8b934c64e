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

    public void Dispose() => _project.Dispose();
}
