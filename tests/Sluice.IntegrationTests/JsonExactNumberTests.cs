namespace Sluice.IntegrationTests;

/// <summary>
/// JSON numbers keep every digit: DuckDB parses non-integers as DOUBLE, so 12345678901234567890.5
/// was stored as 12345678901234567000.0 (even in a DECIMAL(38,1) column) while the CSV route kept it.
/// </summary>
public sealed class JsonExactNumberTests : IDisposable
{
    private readonly TestProject _project = new();

    private async Task<Execution.RunResult> RunAsync(string file, string content, string with = "")
    {
        _project.Write(file, content);
        _project.Write("pipeline.yaml", $$"""
            name: json
            tasks:
              extract: { source: files, output: raw, with: { path: {{file}}{{with}} } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t, mode: replace } }
            """);
        return await _project.RunAsync("pipeline.yaml", "2024-03-01");
    }

    private List<string> Loaded(string select) =>
        _project.Warehouse("wh.duckdb").Query(select).Select(r => string.Join('|', r.Select(v => v is null ? "NULL" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).ToList();

    private string Failure(Execution.RunResult result)
    {
        Assert.False(result.Succeeded);
        Assert.False(_project.Warehouse("wh.duckdb").Exists);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(1, extract.TryNumber); // bad data is not retried
        return extract.Error!;
    }

    [Theory]
    [InlineData("in.jsonl", "{\"n\": 12345678901234567890.5, \"b\": 123456789012345678901234567890, \"f\": 1.25, \"i\": 5}\n{\"n\": -0.000001, \"b\": -3, \"f\": -0.5, \"i\": null}\n")]
    [InlineData("in.json", "[\n  {\"n\": 12345678901234567890.5, \"b\": 123456789012345678901234567890, \"f\": 1.25, \"i\": 5},\n  {\"n\": -1e-6, \"b\": -3, \"f\": -0.5, \"i\": null}\n]\n")]
    public async Task Numbers_a_double_cannot_hold_are_read_as_exact_decimals_and_the_others_keep_their_type(string file, string content)
    {
        var result = await RunAsync(file, content);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(
            ["n DECIMAL(38,6)", "b DECIMAL(38,0)", "f DOUBLE", "i BIGINT"],
            _project.Warehouse("wh.duckdb").Columns("SELECT * FROM t").Select(c => $"{c.Name} {c.Type}"));
        Assert.Equal(
            ["12345678901234567890.500000|123456789012345678901234567890|1.25|5", "-0.000001|-3|-0.5|NULL"],
            Loaded("SELECT n::VARCHAR, b::VARCHAR, f, i FROM t ORDER BY b DESC"));
    }

    [Fact]
    public async Task A_declared_decimal_gets_the_digits_of_the_file_not_of_a_double()
    {
        var result = await RunAsync("in.jsonl", "{\"n\": 12345678901234567890.5}\n{\"n\": 0.1}\n", ", columns: { n: 'DECIMAL(38,1)' }");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["0.1", "12345678901234567890.5"], Loaded("SELECT n::VARCHAR FROM t ORDER BY n"));
    }

    [Fact]
    public async Task A_declared_varchar_keeps_the_literal_text_and_a_filename_column_names_the_users_file()
    {
        var result = await RunAsync("in.jsonl", "{\"n\": 12345678901234567890.5}\n{\"n\": \"x\"}\n", ", columns: { n: VARCHAR }, filename_column: src");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["12345678901234567890.5|in.jsonl", "x|in.jsonl"], Loaded("SELECT n, regexp_extract(src, '[^/]+$') FROM t ORDER BY n"));
    }

    [Fact]
    public async Task A_number_wider_than_decimal_38_fails_naming_the_field_file_line_and_column()
    {
        var error = Failure(await RunAsync("in.jsonl", "{\"id\": 1, \"n\": 1.5}\n{\"id\": 2, \"n\": 123456789012345678901234567890.123456789012}\n"));

        Assert.Contains("field 'n' at ", error);
        Assert.Contains("in.jsonl:2:16 is 123456789012345678901234567890.123456789012", error);
        Assert.Contains("more than DECIMAL(38) holds. Declare the column as VARCHAR", error);
    }

    [Theory]
    [InlineData("'DECIMAL(18,2)'", "{\"n\": 1.5}\n{\"n\": 1.255}\n", "field 'n' at {0}:2:7 is 1.255, which has 3 digits after the point; its declared type DECIMAL(18,2) keeps 2")]
    [InlineData("'DECIMAL(4,1)'", "{\"n\": 1.5}\n{\"n\": 12345.5}\n", "field 'n' at {0}:2:7 is 12345.5, too large for its declared type DECIMAL(4,1)")]
    [InlineData("INTEGER", "{\"n\": 1}\n{\"n\": 2.5}\n", "field 'n' at {0}:2:7 is 2.5, not a whole number, but its declared type is INTEGER")]
    [InlineData("BIGINT", "{\"n\": 1}\n{\"n\": 1e30}\n", "field 'n' at {0}:2:7 is 1e30, outside the range of its declared type BIGINT")]
    public async Task A_number_that_does_not_fit_its_declared_type_fails_instead_of_being_rounded(string type, string content, string message)
    {
        var error = Failure(await RunAsync("in.jsonl", content, $", columns: {{ n: {type} }}"));

        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, _project.PathOf("in.jsonl")), error);
    }

    [Fact]
    public async Task A_nested_number_a_double_cannot_hold_fails_naming_its_field()
    {
        var error = Failure(await RunAsync("in.jsonl", "{\"id\": 1, \"o\": {\"price\": 1.5}}\n{\"id\": 2, \"o\": {\"price\": 0.12345678901234567}}\n"));

        Assert.Contains($"field 'o' at {_project.PathOf("in.jsonl")}:2:26 holds the nested number 0.12345678901234567", error);
    }

    public void Dispose() => _project.Dispose();
}
