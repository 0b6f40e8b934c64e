using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Validation;

/// <summary>Name, schedule and time zone; and a pipeline using every feature that must pass untouched.</summary>
public sealed class PipelineHeaderValidationTests
{
    private const string Tasks = """
        tasks:
          a: { source: files, output: y, with: { path: a.csv } }
        """;

    [Fact]
    public void A_fully_valid_pipeline_has_no_errors()
    {
        Assert.Empty(Pipelines.Validate("""
            name: orders-daily_2
            description: Every feature at once.
            schedule: "30 2 * * *"
            interval: daily
            timezone: Europe/Paris
            start_date: 2024-03-01
            max_parallel_tasks: 2
            defaults: { retries: 1, retry_delay: 1s, timeout: 5m }
            params:
              region: emea
            datasets:
              raw_orders:
                columns:
                  order_id: BIGINT
                  amount: { type: DOUBLE, nullable: false }
            tasks:
              extract:
                source: files
                output: raw_orders
                on_bad_rows: quarantine
                with:
                  path: data/{{ params.region }}/orders_{{ ds }}.csv
                  header: true
                  skip_rows: 0
                  columns: { order_id: BIGINT, amount: DOUBLE }
              clean:
                transform: sql
                input: raw_orders
                output: clean_orders
                retries: 3
                with:
                  sql: |
                    SELECT *, {{ ds }} AS order_date FROM raw_orders -- the day's orders
                    WHERE amount > 0
              load:
                sink: duckdb
                input: clean_orders
                with: { database: warehouse.duckdb, table: orders, mode: upsert, key: [order_id] }
              lake:
                sink: parquet
                input: clean_orders
                with: { path: lake/orders, partition_by: order_date }
              rejects:
                sink: duckdb
                input: raw_orders_quarantine
                depends_on: load
                with: { database: warehouse.duckdb, table: rejects }
            """));
    }

    [Fact]
    public void A_bad_cron_schedule_is_an_error_with_an_example()
    {
        var error = Assert.Single(Pipelines.Validate("name: x\nschedule: \"0 25 * * *\"\n" + Tasks));

        ErrorAssert.IsAt(error, 1, 1);
        Assert.StartsWith("schedule '0 25 * * *' is not a valid cron expression", error.Message);
        Assert.EndsWith("Example: \"0 2 * * *\" for 02:00 every day.", error.Message);
    }

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 0 2 * * *")]
    public void Five_and_six_field_cron_schedules_are_accepted(string cron)
    {
        Assert.Empty(Pipelines.Validate($"name: x\nschedule: \"{cron}\"\n" + Tasks));
    }

    [Fact]
    public void An_unknown_time_zone_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("name: x\ntimezone: Mars/Olympus\n" + Tasks));

        Assert.Equal("timezone 'Mars/Olympus' is unknown. Use an IANA name such as UTC or Europe/Paris.", error.Message);
    }

    [Fact]
    public void A_pipeline_without_tasks_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("name: x\ntasks: {}\n"));

        Assert.Equal("the pipeline has no tasks. Add at least one under 'tasks:'.", error.Message);
    }

    [Fact]
    public void A_pipeline_name_must_be_an_identifier()
    {
        var error = Assert.Single(Pipelines.Validate("name: daily sales\n" + Tasks));

        Assert.StartsWith("pipeline name 'daily sales' must start with a letter", error.Message);
    }
}
