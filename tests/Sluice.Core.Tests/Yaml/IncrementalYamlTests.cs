using Sluice.Core.Tests.Support;
using Sluice.Incremental;

namespace Sluice.Core.Tests.Yaml;

/// <summary>A source's <c>incremental:</c> block: its keys reach the model, and bad ones are located errors.</summary>
public sealed class IncrementalYamlTests
{
    private static string Pipeline(string incremental, string source = "files") => $$"""
        name: x
        tasks:
          extract:
            source: {{source}}
            output: orders
            incremental: {{incremental}}
            with: { path: a.csv }
        """;

    [Fact]
    public void The_cursor_initial_lookback_and_key_reach_the_model()
    {
        var incremental = Pipelines.Load(Pipeline("{ cursor: updated_at, initial: 2024-01-01, lookback: 1h, primary_key: [id, region], parameter: since }")).Task("extract").Incremental!;

        Assert.Equal("updated_at", incremental.Cursor);
        Assert.Equal(new CursorValue(CursorKind.Timestamp, "2024-01-01T00:00:00"), CursorValue.Parse(incremental.Initial!));
        Assert.Equal(TimeSpan.FromHours(1), incremental.Lookback);
        Assert.Equal(["id", "region"], incremental.PrimaryKey);
        Assert.Equal("since", incremental.Parameter);
        Assert.Equal((6, 18), (incremental.Location.Line, incremental.Location.Column));
    }

    [Fact]
    public void An_unknown_key_is_refused_with_did_you_mean_at_its_position()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Pipeline("{ cursor: updated_at, look_back: 1h }")));

        Assert.Contains("unknown key 'look_back' in 'incremental' of task 'extract'. Did you mean 'lookback'?", error.Message);
        ErrorAssert.IsAt(error, 6, 40);
    }

    [Fact]
    public void A_missing_cursor_a_bad_lookback_and_a_bad_initial_are_each_reported()
    {
        var errors = Pipelines.LoadErrors(Pipeline("{ initial: soon, lookback: a while }"));

        Assert.Contains(errors, e => e.Message.Contains("needs 'cursor'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("lookback must be a duration such as 30m or 1h", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("initial must be a date (2024-01-01)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_source_that_cannot_read_by_cursor_is_refused_at_the_key()
    {
        var error = ErrorAssert.Single(Pipelines.Validate(Pipeline("{ cursor: updated_at }")), "incremental applies to sources");

        Assert.Contains("source 'files' cannot", error.Message);
        ErrorAssert.IsAt(error, 6, 18);
    }

    [Theory]
    [InlineData("2024-03-01T10:00:00Z", "1h", "2024-03-01T09:00:00Z")]
    [InlineData("2024-03-01 10:00:00", "90m", "2024-03-01 08:30:00")]
    [InlineData("2024-03-01T10:00:00.123", "1h", "2024-03-01T09:00:00")]
    public void Lookback_moves_text_and_timestamp_watermarks_back_in_their_own_layout(string stored, string lookback, string expected)
    {
        var value = stored.EndsWith('Z') ? CursorValue.Parse(stored) : new CursorValue(CursorKind.Text, stored);

        var lower = value.Minus(Connectors.OptionParsing.ParseDuration(lookback), null);

        Assert.Equal(expected, lower.Text);
        Assert.True(lower.CompareTo(value) < 0);
    }
}
