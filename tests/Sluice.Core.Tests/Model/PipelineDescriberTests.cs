using Sluice.Core.Tests.Support;
using Sluice.Model;

namespace Sluice.Core.Tests.Model;

public sealed class PipelineDescriberTests
{
    private static IEnumerable<string> RunOrder(string yaml) =>
        PipelineGraph.Of(Pipelines.Load(yaml)).RunOrder.Select(t => t.Id);

    [Fact]
    public void Tasks_run_after_the_producers_of_their_inputs()
    {
        var order = RunOrder("""
            name: x
            tasks:
              load: { sink: duckdb, input: clean, with: { database: w.duckdb, table: t } }
              clean: { transform: sql, input: raw, output: clean, with: { sql: SELECT 1 } }
              extract: { source: files, output: raw, with: { path: a.csv } }
            """);

        Assert.Equal(["extract", "clean", "load"], order);
    }

    [Fact]
    public void Tasks_run_after_their_depends_on_tasks()
    {
        var order = RunOrder("""
            name: x
            tasks:
              notify: { sink: parquet, input: raw, depends_on: load, with: { path: lake, mode: replace } }
              load: { sink: duckdb, input: raw, with: { database: w.duckdb, table: t } }
              extract: { source: files, output: raw, with: { path: a.csv } }
            """);

        Assert.Equal(["extract", "load", "notify"], order);
    }

    [Fact]
    public void The_earliest_ready_task_in_file_order_runs_first()
    {
        var order = RunOrder("""
            name: x
            tasks:
              report: { transform: sql, input: b, output: report, with: { sql: SELECT 1 } }
              a: { source: files, output: a, with: { path: a.csv } }
              b: { source: files, output: b, with: { path: b.csv } }
              c: { source: files, output: c, with: { path: c.csv } }
            """);

        Assert.Equal(["a", "b", "report", "c"], order);
    }

    [Fact]
    public void Independent_tasks_keep_file_order()
    {
        var order = RunOrder("""
            name: x
            tasks:
              zeta: { source: files, output: z, with: { path: z.csv } }
              alpha: { source: files, output: a, with: { path: a.csv } }
              mid: { source: files, output: m, with: { path: m.csv } }
            """);

        Assert.Equal(["zeta", "alpha", "mid"], order);
    }

    [Fact]
    public void Tasks_in_a_cycle_are_listed_last_in_file_order()
    {
        var order = RunOrder("""
            name: x
            tasks:
              a: { transform: sql, input: from_b, output: from_a, with: { sql: SELECT 1 } }
              b: { transform: sql, input: from_a, output: from_b, with: { sql: SELECT 1 } }
              c: { source: files, output: c, with: { path: c.csv } }
            """);

        Assert.Equal(["c", "a", "b"], order);
    }

    [Fact]
    public void Describe_lists_the_header_then_tasks_in_run_order()
    {
        var text = PipelineDescriber.Describe(Pipelines.Load("""
            name: tiny
            schedule: "0 2 * * *"
            start_date: 2024-03-01
            params:
              region: emea
            datasets:
              raw:
                columns:
                  id: BIGINT
                  amount: { type: DOUBLE, nullable: false }
            tasks:
              load:
                sink: duckdb
                input: raw
                timeout: 1m
                with: { database: w.duckdb, table: t }
              extract:
                source: files
                output: raw
                retries: 3
                with:
                  path: [a.csv, "${DATA_DIR}/b.csv"]
                  columns: { id: BIGINT }
            """));

        var expected = """
            pipeline tiny
              interval: day, schedule: 0 2 * * * UTC, start date: 2024-03-01
              retries: 0 (delay 00:00:05, backoff x2), max parallel tasks: 4
              param region = emea
              dataset raw(id BIGINT, amount DOUBLE NOT NULL)

            [extract] source: files
                writes:  raw
                retries: 3 (delay 00:00:05, backoff x2)
                path: [a.csv, ${DATA_DIR}/b.csv]
                columns: {id: BIGINT}
            [load] sink: duckdb
                after:   extract
                reads:   raw
                timeout: 00:01:00
                database: w.duckdb
                table: t

            """;
        Assert.Equal(expected.ReplaceLineEndings(), text.ReplaceLineEndings());
    }

    [Fact]
    public void Describe_prints_a_list_of_steps_one_step_per_line()
    {
        var text = PipelineDescriber.Describe(Pipelines.Load("""
            name: stepped
            tasks:
              extract: { source: files, output: raw, with: { path: a.csv } }
              clean:
                transform: steps
                input: raw
                output: clean
                with:
                  steps:
                    - filter: amount > 0
                    - rename: { amt: amount }
                  tags: [a, b]
            """));

        Assert.Contains(
            """
                steps:
                  - {filter: amount > 0}
                  - {rename: {amt: amount}}
                tags: [a, b]
            """.ReplaceLineEndings(),
            text.ReplaceLineEndings());
    }
}
