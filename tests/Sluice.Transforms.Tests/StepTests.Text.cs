using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>normalize (text, dates, timestamps, numbers; on_error) and map_values.</summary>
public sealed class TextStepTests : IDisposable
{
    private const string DatesCsv = "id,d\n1,2024-03-01\n2,not a date\n3,\n4,2024-02-30\n5,2024-03-05\n";

    private readonly StepHarness _h = new();

    [Fact]
    public async Task Trimming_removes_ascii_whitespace_at_both_ends_and_nothing_else_whether_or_not_an_end_is_whitespace()
    {
        // Quoted so the CSV keeps them: tabs, vertical tab and form feed, a non-breaking space and a
        // control character (not trimmed), text that is all whitespace, and values already clean.
        const string csv = "id,t\n1,\"  a\t\"\n2,\"\u000Bb\u000C\"\n3,c\n4,\"\u00A0d\u00A0\"\n5,\" \u00E9 \"\n6,\"\t\t\"\n7,\"x\u0001\"\n8,\n9,\"\n Elec\r\"\n";
        _h.Write(csv, "id BIGINT, t VARCHAR", """
            - normalize: { column: t, trim: true }
            - derive: { mapped: "t" }
            """);
        var trimmed = await _h.OutputAsync();
        Assert.Equal(["1|a", "2|b", "3|c", "4|\u00A0d\u00A0", "5|\u00E9", "6|", "7|x\u0001", "8|NULL", "9|Elec"], trimmed.Lines().Select(l => string.Join('|', l.Split('|').Take(2))));

        _h.Write(csv, "id BIGINT, t VARCHAR", "- map_values: { column: t, ignore_case: true, unmapped: keep, mapping: { a: A, b: B, elec: Electronics, \"x\\u0001\": X } }");
        var mapped = await _h.OutputAsync();
        Assert.Equal(["1|A", "2|B", "3|c", "4|\u00A0d\u00A0", "5| \u00E9 ", "6|\t\t", "7|X", "8|NULL", "9|Electronics"], mapped.Lines());
    }

    [Fact]
    public async Task Unparseable_dates_with_on_error_fail_list_row_and_value_and_nothing_is_written()
    {
        _h.Write(DatesCsv, "id BIGINT, d VARCHAR", "- normalize: { column: d, parse: date }", load: true);
        var error = await _h.FailureAsync();
        Assert.Equal(
            $"step 'normalize' ({_h.StepAt("normalize")}) in task 'clean': 2 value(s) cannot parse as date with %Y-%m-%d: row 2: d = 'not a date'; row 4: d = '2024-02-30'. " +
            "Add the right format, or set on_error: null or quarantine (with the task's on_bad_rows: quarantine).",
            error);
        Assert.False(_h.HasStaged("out"));
        Assert.False(_h.Project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public async Task Unparseable_dates_with_on_error_null_become_null()
    {
        _h.Write(DatesCsv, "id BIGINT, d VARCHAR", "- normalize: { column: d, parse: date, on_error: \"null\" }");
        var output = await _h.OutputAsync();
        Assert.Equal("DATE", output.TypeOf("d"));
        Assert.Equal(["1|2024-03-01", "2|NULL", "3|NULL", "4|NULL", "5|2024-03-05"], output.Lines());
    }

    [Fact]
    public async Task Unparseable_dates_with_on_error_quarantine_go_to_the_quarantine_dataset_with_row_column_value_reason_and_step()
    {
        _h.Write(DatesCsv, "id BIGINT, d VARCHAR", "- normalize: { column: d, parse: date, on_error: quarantine }", task: "on_bad_rows: quarantine");
        var result = await _h.RunAsync();
        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, result.Tasks.Single(t => t.TaskId == "clean").RowsQuarantined);
        Assert.Equal(["1|2024-03-01", "3|NULL", "5|2024-03-05"], _h.Staged("out").Lines());
        var quarantine = _h.Staged("out_quarantine");
        Assert.Equal(["row_number", "column_name", "value", "reason", "step"], quarantine.Columns);
        var step = $"step 'normalize' ({_h.StepAt("normalize")})";
        Assert.Equal(
            [$"2|d|not a date|cannot parse as date with %Y-%m-%d|{step}", $"4|d|2024-02-30|cannot parse as date with %Y-%m-%d|{step}"],
            quarantine.Lines().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task On_error_quarantine_without_a_quarantine_on_the_task_fails_instead_of_losing_rows()
    {
        _h.Write(DatesCsv, "id BIGINT, d VARCHAR", "- normalize: { column: d, parse: date, on_error: quarantine }", declared: false);
        var error = await _h.FailureAsync();
        Assert.Equal($"step 'normalize' ({_h.StepAt("normalize")}) in task 'clean' sets on_error: quarantine, but the task has no 'on_bad_rows: quarantine' to receive the rows; add it to the task, or use on_error: null or fail.", error);
    }

    [Fact]
    public async Task Timestamps_mix_offset_and_wall_time_formats_and_convert_both_to_UTC()
    {
        _h.Write("ts\n2024-03-01 10:00:00+0100\n2024-03-01 10:00:00\n2024-07-01T10:00:00\n", "ts VARCHAR",
            "- normalize: { column: ts, parse: timestamp, formats: [\"%Y-%m-%d %H:%M:%S%z\", \"%Y-%m-%d %H:%M:%S\", \"%Y-%m-%dT%H:%M:%S\"], timezone: Europe/Berlin }");
        var output = await _h.OutputAsync();
        Assert.Equal("TIMESTAMP", output.TypeOf("ts"));
        Assert.Equal(["2024-03-01 09:00:00", "2024-03-01 09:00:00", "2024-07-01 08:00:00"], output.Lines());
    }

    [Fact]
    public async Task Wall_times_at_a_DST_change_ambiguous_is_standard_time_and_a_missing_hour_moves_forward()
    {
        _h.Write("ts\n2024-03-31 02:30:00\n2024-10-27 02:30:00\n", "ts VARCHAR", "- normalize: { column: ts, parse: timestamp, timezone: Europe/Berlin }");
        // 02:30 does not exist on 31 March (read as 03:30 CEST); on 27 October it happens twice (read as CET, the second).
        Assert.Equal(["2024-03-31 01:30:00", "2024-10-27 01:30:00"], (await _h.OutputAsync()).Lines());
    }

    [Fact]
    public async Task An_unknown_time_zone_fails_before_writing()
    {
        _h.Write("ts\n2024-03-01 10:00:00\n", "ts VARCHAR", "- normalize: { column: ts, parse: timestamp, timezone: Europe/Berln }");
        Assert.Contains("timezone 'Europe/Berln' is not a time zone name", _h.Invalid());
        _h.Write("ts\n2024-03-01 10:00:00\n", "ts VARCHAR", "- normalize: { column: ts, parse: timestamp, timezone: Europe/Berln }", declared: false);
        Assert.Equal(
            $"task 'clean': step 'normalize' ({_h.StepAt("normalize")}): timezone 'Europe/Berln' is not a time zone name such as Europe/Berlin, America/New_York or UTC; nothing was written.",
            await _h.FailureAsync());
    }

    [Fact]
    public async Task Numbers_with_locale_separators_parse_and_the_rest_fails_with_the_values()
    {
        _h.Write("v\n\"1.234,56\"\n\"-0,5\"\n\"1 234,5\"\n", "v VARCHAR", "- normalize: { column: v, parse: number, thousands: \".\", decimal: \",\" }");
        var error = await _h.FailureAsync();
        Assert.Contains("1 value(s) cannot parse as number: row 3: v = '1 234,5'.", error);

        _h.Write("v\n\"1.234,56\"\n\"-0,5\"\n\"1 234,5\"\n", "v VARCHAR", "- normalize: { column: v, parse: number, thousands: \" \", decimal: \",\", on_error: \"null\" }");
        var output = await _h.OutputAsync();
        Assert.Equal("DOUBLE", output.TypeOf("v"));
        Assert.Equal([null, -0.5, 1234.5], output.Column("v")); // '1.234,56' has a '.' that is not a separator here
    }

    [Fact]
    public async Task Case_and_trim_apply_to_several_columns_and_upper_case_sharp_s_stays_one_letter()
    {
        _h.Write("a,b\n\" Straße \",\"\tX y\t\"\n", "a VARCHAR, b VARCHAR", "- normalize: { columns: [a, b], case: upper }");
        Assert.Equal(["STRAẞE|X Y"], (await _h.OutputAsync()).Lines()); // Python's upper() gives 'STRASSE'
    }

    [Fact]
    public async Task Unmapped_values_are_kept_quietly_by_default_since_keeping_them_is_what_was_asked()
    {
        _h.Write("category\nelec\n Electronics \nGARDEN\ntoys\n\ngarden\n", "category VARCHAR",
            "- map_values: { column: category, mapping: { elec: Electronics, electronics: Electronics, toys: Toys } }");
        var output = await _h.OutputAsync();
        Assert.Equal(["Electronics", "Electronics", "GARDEN", "Toys", null, "garden"], output.Column("category"));
        Assert.DoesNotContain(_h.Log.Of("clean"), l => l.Contains("the mapping does not name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unmapped_warn_keeps_the_values_and_reports_their_count_in_the_run_log()
    {
        _h.Write("category\nelec\n Electronics \nGARDEN\ntoys\n\ngarden\n", "category VARCHAR",
            "- map_values: { column: category, mapping: { elec: Electronics, electronics: Electronics, toys: Toys }, unmapped: warn }");
        var output = await _h.OutputAsync();
        Assert.Equal(["Electronics", "Electronics", "GARDEN", "Toys", null, "garden"], output.Column("category"));
        Assert.Contains($"step 'map_values' ({_h.StepAt("map_values")}): 2 row(s) of column 'category' had a value the mapping does not name (kept as is)", _h.Log.Of("clean"));
    }

    [Fact]
    public async Task Unmapped_fail_fails_the_task_with_the_count_and_writes_nothing()
    {
        _h.Write("category\nelec\nGARDEN\ntoys\n", "category VARCHAR",
            "- map_values: { column: category, mapping: { elec: Electronics, toys: Toys }, unmapped: fail }");
        var error = await _h.FailureAsync();
        Assert.Contains($"step 'map_values' ({_h.StepAt("map_values")}): 1 row(s) of column 'category' had a value the mapping does not name (unmapped: fail)", error);
        Assert.Contains("nothing was written", error);
    }

    [Fact]
    public async Task Unmapped_values_can_become_null_or_a_default_into_a_new_column_quietly()
    {
        _h.Write("code\n1\n2\n3\n", "code INTEGER",
            "- map_values: { column: code, output: label, mapping: { 1: one, 2: two }, default: other }\n- map_values: { column: code, mapping: { 1: uno }, unmapped: \"null\" }");
        var output = await _h.OutputAsync();
        Assert.Equal(["uno|one", "NULL|two", "NULL|other"], output.Lines());
        Assert.Equal("VARCHAR", output.TypeOf("code")); // mapped values are text
        Assert.DoesNotContain(_h.Log.Of("clean"), l => l.Contains("the mapping does not name", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mapping_key_that_means_two_things_once_case_is_ignored_is_a_validation_error()
    {
        _h.Write("c\na\n", "c VARCHAR", "- map_values: { column: c, mapping: { Elec: Electronics, elec: Electrical } }");
        Assert.Contains("step 'map_values': 'elec' maps to several values (Electronics, Electrical) once case and spaces are ignored.", _h.Invalid());
    }

    public void Dispose() => _h.Dispose();
}
