using DuckDB.NET.Data;
using Sluice.Connectors;
using Sluice.Connectors.All;
using Sluice.Engine.DuckDb;
using Sluice.Hosting;
using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>
/// A chain of steps reads its data once: the counts steps report (unmapped values, quarantined rows,
/// failed casts) and the statistics steps need (median, IQR) never run the steps above them again.
/// A <c>probe(id)</c> filter at the top of the chain is the counting source: a DuckDB function that
/// counts every row it sees, in every query of the task, so a second pass over the chain shows up as
/// twice the input's rows.
/// </summary>
public sealed class ChainExecutionTests : IDisposable
{
    private const string Orders = "id BIGINT, customer VARCHAR, amount DOUBLE, day VARCHAR";

    private const string OrdersCsv = """
        id,customer,amount,day
        1,ann,10.0,2024-03-01
        2,bob,,2024-03-01
        3,ANN ,12.0,2024-03-02
        4,cid,7.5,03/02/2024
        5,bob,11.0,2024-03-02
        6,dee,900.0,2024-03-03
        7,ann,9.0,2024-03-03
        8,bob,10.5,2024-03-03

        """;

    private const int InputRows = 8;

    private readonly StepHarness _h = new();

    private long _probed;

    [Fact]
    public async Task A_warning_count_of_unmapped_values_does_not_run_the_chain_again()
    {
        _h.Write(OrdersCsv, Orders, """
            - filter: "probe(id)"
            - fill_null: { amount: 0 }
            - map_values: { column: customer, unmapped: warn, mapping: { ann: Ann, bob: Bob } }
            """);
        var output = await RunAsync();
        Assert.Equal(["Ann", "Bob", "Ann", "cid", "Bob", "dee", "Ann", "Bob"], output.Column("customer"));
        Assert.Contains(_h.Log.Of("clean"), l => l.Contains("2 row(s) of column 'customer' had a value the mapping does not name (kept as is)", StringComparison.Ordinal));
        Assert.Equal(InputRows, _probed);
    }

    [Fact]
    public async Task A_failing_count_is_checked_before_writing_without_running_the_chain_twice()
    {
        _h.Write(OrdersCsv, Orders, """
            - filter: "probe(id)"
            - drop_duplicates: {}
            - map_values: { column: customer, unmapped: fail, mapping: { ann: Ann, bob: Bob, cid: Cid, dee: Dee } }
            - cast: { amount: "DECIMAL(10,2)" }
            """);
        var output = await RunAsync();
        Assert.Equal(["Ann", "Bob", "Ann", "Cid", "Bob", "Dee", "Ann", "Bob"], output.Column("customer"));
        Assert.Equal(InputRows, _probed);
    }

    [Fact]
    public async Task Statistics_of_a_median_fill_and_an_iqr_filter_read_the_chain_above_them_once()
    {
        _h.Write(OrdersCsv, Orders, """
            - filter: "probe(id)"
            - fill_null: { amount: { strategy: median } }
            - outliers: { column: amount, method: iqr, factor: 1.5 }
            """);
        var output = await RunAsync();
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 7L, 8L], output.Column("id")); // quartiles 9.75 and 11.25: only 900 is past 13.5; 2 got the median
        Assert.Equal(10.5, output.Column("amount")[1]);
        Assert.Equal(InputRows, _probed);
    }

    [Fact]
    public async Task Quarantined_rows_are_set_aside_in_the_same_pass_as_the_output()
    {
        _h.Write(OrdersCsv, Orders, """
            - filter: "probe(id)"
            - normalize: { column: customer, case: lower }
            - normalize: { column: day, parse: date, format: "%Y-%m-%d", on_error: quarantine }
            """, task: "on_bad_rows: quarantine");
        var output = await RunAsync();
        Assert.Equal([1L, 2L, 3L, 5L, 6L, 7L, 8L], output.Column("id"));
        Assert.Equal(["03/02/2024"], _h.Staged("out_quarantine").Column("value"));
        Assert.Equal(InputRows, _probed);
    }

    [Fact]
    public async Task A_stored_copy_leaves_out_the_columns_no_later_step_reads_and_they_are_never_computed()
    {
        // The median fill stores its input; only day and amount reach the aggregate, so 'seen' (whose
        // probe counts every row it is computed for) is neither stored nor computed.
        _h.Write(OrdersCsv, Orders, """
            - derive: { seen: "probe(id)" }
            - fill_null: { amount: { strategy: median } }
            - aggregate: { by: [day], metrics: { total: sum(amount) } }
            """);
        var output = await RunAsync();
        Assert.Equal(["03/02/2024", "2024-03-01", "2024-03-02", "2024-03-03"], output.Column("day"));
        Assert.Equal([7.5, 20.5, 23.0, 919.5], output.Column("total")); // 2 got the median, 10.5
        Assert.Equal(0, _probed);
    }

    [Fact]
    public async Task Without_an_aggregate_or_select_ahead_a_stored_copy_keeps_every_column()
    {
        _h.Write(OrdersCsv, Orders, """
            - derive: { seen: "probe(id)" }
            - fill_null: { amount: { strategy: median } }
            """);
        var output = await RunAsync();
        Assert.Equal(Enumerable.Repeat((object?)true, InputRows), output.Column("seen"));
        Assert.Equal(InputRows, _probed);
    }

    private async Task<Table> RunAsync()
    {
        var settings = new DuckDbSettings { ConfigureSession = RegisterProbe };
        var catalog = new SluiceBuilder().AddBuiltInConnectors(settings).Connectors;
        var result = await _h.Project.RunAsync("pipeline.yaml", StepHarness.Date, catalog, observer: _h.Log);
        Assert.True(result.Succeeded, string.Join("\n", result.Tasks.Where(t => t.Error is not null).Select(t => $"{t.TaskId}: {t.Error}")));
        return _h.Staged("out");
    }

    /// <summary>probe(x) is true for every row and counts the rows it is called for.</summary>
    private void RegisterProbe(DuckDBConnection connection) =>
        connection.RegisterScalarFunction<long, bool>("probe", (_, writer, rows) =>
        {
            Interlocked.Add(ref _probed, (long)rows);
            for (ulong i = 0; i < rows; i++)
            {
                writer.WriteValue(true, i);
            }
        });

    public void Dispose() => _h.Dispose();
}
