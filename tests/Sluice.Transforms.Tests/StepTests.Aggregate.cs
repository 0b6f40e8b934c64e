using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>aggregate: time buckets, percentiles, null groups, and the metric checks.</summary>
public sealed class AggregateStepTests : IDisposable
{
    private const string EventsCsv = """
        store,ts,amount
        a,2024-02-29 23:59:59,1
        b,2024-03-01 00:00:00,2
        a,2024-03-03 23:30:00,4
        a,2024-03-04 00:00:00,8
        ,2024-03-31 23:00:00,16
        b,2024-04-01 00:10:00,32
        a,,64

        """;

    private const string Events = "store VARCHAR, ts TIMESTAMP, amount BIGINT";

    private readonly StepHarness _h = new();

    [Theory]
    [InlineData("hour", new[] { "2024-02-29 23:00:00|1", "2024-03-01 00:00:00|2", "2024-03-03 23:00:00|4", "2024-03-04 00:00:00|8", "2024-03-31 23:00:00|16", "2024-04-01 00:00:00|32" })]
    [InlineData("day", new[] { "2024-02-29 00:00:00|1", "2024-03-01 00:00:00|2", "2024-03-03 00:00:00|4", "2024-03-04 00:00:00|8", "2024-03-31 00:00:00|16", "2024-04-01 00:00:00|32" })]
    [InlineData("week", new[] { "2024-02-26 00:00:00|7", "2024-03-04 00:00:00|8", "2024-03-25 00:00:00|16", "2024-04-01 00:00:00|32" })]
    [InlineData("month", new[] { "2024-02-01 00:00:00|1", "2024-03-01 00:00:00|30", "2024-04-01 00:00:00|32" })]
    public async Task Time_buckets_start_at_the_unit_weeks_on_Monday_and_rows_without_a_time_are_dropped(string unit, string[] expected)
    {
        _h.Write(EventsCsv, Events, $"- aggregate: {{ time_bucket: {{ column: ts, unit: {unit}, as: bucket }}, metrics: {{ total: sum(amount) }} }}");
        var output = await _h.OutputAsync();
        Assert.Equal(["bucket", "total"], output.Columns);
        Assert.Equal("BIGINT", output.TypeOf("total")); // an integer sum stays an integer
        Assert.Equal(expected, output.Lines());
    }

    [Fact]
    public async Task Groups_come_out_sorted_null_groups_are_dropped_unless_kept_and_then_come_last()
    {
        _h.Write(EventsCsv, Events, "- aggregate: { by: store, metrics: { n: count(*), p50: \"percentile(amount, 0.5)\", p90: \"percentile(amount, 0.9)\", sd: std(amount) } }");
        var output = await _h.OutputAsync();
        Assert.Equal(["a", "b"], output.Column("store"));
        Assert.Equal([4L, 2L], output.Column("n"));
        Assert.Equal([6.0, 17.0], output.Column("p50")); // linear interpolation, as pandas' quantile
        Assert.Equal(47.2, (double)output.Column("p90")[0]!, 9); // 8 + 0.7 * (64 - 8)

        _h.Write(EventsCsv, Events, "- aggregate: { by: store, keep_null_groups: true, metrics: { n: count(*) } }");
        Assert.Equal(["a|4", "b|2", "NULL|1"], (await _h.OutputAsync()).Lines());
    }

    [Fact]
    public async Task Aggregating_no_rows_without_by_gives_one_row_of_zeros_as_pandas_sum()
    {
        _h.Write(EventsCsv, Events, "- filter: amount > 1000\n- aggregate: { metrics: { total: sum(amount), n: count(*), top: max(amount) } }");
        Assert.Equal(["0|0|NULL"], (await _h.OutputAsync()).Lines());
    }

    [Theory]
    [InlineData("total: avg_of(amount)", "metric 'total': 'avg_of(amount)' is not one of sum(column), count(column), count_distinct(column), nunique(column), mean(column), avg(column), min(column), max(column), median(column), percentile(column), std(column), percentile(column, 0.95), count(*).")]
    [InlineData("p: \"percentile(amount, 95)\"", "metric 'p': 'percentile(amount, 95)' takes a fraction between 0 and 1 only with percentile, e.g. percentile(amount, 0.95).")]
    [InlineData("p: \"sum(amount, 0.5)\"", "metric 'p': 'sum(amount, 0.5)' takes a fraction between 0 and 1 only with percentile")]
    [InlineData("p: \"percentile(amount, 0.9.5)\"", "metric 'p': 'percentile(amount, 0.9.5)' takes a fraction between 0 and 1 only with percentile")]
    public void Bad_metrics_are_validation_errors(string metric, string message)
    {
        _h.Write(EventsCsv, Events, $"- aggregate: {{ by: store, metrics: {{ {metric} }} }}");
        Assert.Contains("step 'aggregate': " + message, _h.Invalid());
    }

    [Fact]
    public void A_time_bucket_needs_a_column_and_a_known_unit()
    {
        _h.Write(EventsCsv, Events, "- aggregate: { time_bucket: { unit: fortnight, colum: ts }, metrics: { n: count(*) } }");
        var message = _h.Invalid();
        Assert.Contains("step 'aggregate': time_bucket: unknown option 'colum'. Did you mean 'column'? Valid: as, column, unit.", message);
        Assert.Contains("step 'aggregate': time_bucket needs 'column', the timestamp or date to bucket, e.g. { column: order_ts, unit: day }.", message);
        Assert.Contains("step 'aggregate': time_bucket unit must be one of: hour, day, week, month, quarter, year (got 'fortnight').", message);
    }

    public void Dispose() => _h.Dispose();
}
