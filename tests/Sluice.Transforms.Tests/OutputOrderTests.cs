using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>
/// preserve_order unset: a steps task sorts its output back into input order only when someone reads
/// that order; a following aggregate does not, so the sort is skipped, and the result is the same.
/// </summary>
public sealed class OutputOrderTests : IDisposable
{
    private readonly TestProject _project = new();

    private const string Csv = """
        id,day,amount
        3,2024-03-02,12.0
        1,2024-03-01,10.0
        2,2024-03-01,
        1,2024-03-01,10.0
        5,2024-03-02,900.0
        4,2024-03-03,9.0
        6,2024-03-03,11.0

        """;

    private void Write(string readerSteps, string cleanOptions = "")
    {
        _project.Write("in.csv", Csv);
        _project.Write("pipeline.yaml", $$"""
            name: order_test
            datasets:
              raw: { columns: { id: BIGINT, day: DATE, amount: DOUBLE } }
            tasks:
              extract: { source: files, output: raw, with: { path: in.csv } }
              clean:
                transform: steps
                input: raw
                output: clean
                with:
                  {{cleanOptions}}
                  steps:
                    - drop_duplicates: {}
                    - fill_null: { amount: { strategy: median } }
                    - outliers: { column: amount, method: iqr, factor: 1.5 }
              daily:
                transform: steps
                input: clean
                output: daily
                with:
                  steps:
            {{string.Join('\n', readerSteps.Split('\n').Select(l => "        " + l))}}
            """);
    }

    private bool Kept()
    {
        var pipeline = _project.Load();
        var clean = pipeline.FindTask("clean")!;
        return OutputOrder.Kept(pipeline, clean, clean.Options.Find(OutputOrder.Option) is Model.ScalarOption { Value: { } v } ? bool.Parse(v) : null);
    }

    private const string Aggregate = "- aggregate: { by: [day], metrics: { revenue: sum(amount), orders: count(id) } }";

    [Fact]
    public void An_output_read_only_by_an_aggregate_is_not_sorted_back_into_input_order()
    {
        Write(Aggregate);
        Assert.False(Kept());
    }

    [Fact]
    public void A_reader_that_needs_row_order_before_its_aggregate_keeps_the_order()
    {
        Write("- fill_null: { amount: { strategy: previous } }\n" + Aggregate);
        Assert.True(Kept());
        Write("- drop_duplicates: { subset: day }\n" + Aggregate);
        Assert.True(Kept());
    }

    [Fact]
    public void An_output_read_by_a_task_that_does_not_aggregate_keeps_the_order()
    {
        Write("- filter: \"amount > 0\"");
        Assert.True(Kept());
    }

    [Fact]
    public void An_explicit_preserve_order_wins()
    {
        Write(Aggregate, "preserve_order: true");
        Assert.True(Kept());
    }

    [Fact]
    public async Task The_aggregate_gives_the_same_figures_with_and_without_the_sort()
    {
        Write(Aggregate);
        var fast = await DailyAsync();
        Write(Aggregate, "preserve_order: true");
        var sorted = await DailyAsync();
        Assert.Equal(sorted.Lines(), fast.Lines());
        Assert.Equal(["2024-03-01|21|2", "2024-03-02|12|1", "2024-03-03|20|2"], fast.Lines().ToList()); // 900 is an outlier, 2 got the median 11
    }

    private async Task<Table> DailyAsync()
    {
        if (Directory.Exists(_project.StateDirectory))
        {
            Directory.Delete(_project.StateDirectory, recursive: true);
        }

        var result = await _project.RunAsync("pipeline.yaml", StepHarness.Date);
        Assert.True(result.Succeeded, string.Join("\n", result.Tasks.Where(t => t.Error is not null).Select(t => $"{t.TaskId}: {t.Error}")));
        return Table.FromParquet(_project.Staged("order_test", StepHarness.Date, "daily"));
    }

    public void Dispose() => _project.Dispose();
}
