using Sluice.Transforms.Models.Tests.Infrastructure;

namespace Sluice.Transforms.Models.Tests;

/// <summary>The examples of docs/transforms/models.md do what the page says, so the page cannot rot.</summary>
public sealed class DocsExampleTests : IDisposable
{
    private readonly TestProject _project = new();

    public DocsExampleTests() => _project.CopyFromOutput("docs", into: "docs");

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task The_shop_example_builds_two_days_and_a_rerun_changes_nothing()
    {
        const string pipeline = "docs/examples/models/shop_models.yaml";
        foreach (var date in new[] { "2024-03-01", "2024-03-02" })
        {
            var result = await _project.RunAsync(pipeline, date);
            Assert.True(result.Succeeded, result.Run.Error);
        }

        var warehouse = _project.Warehouse("docs/examples/out/models.duckdb");
        var before = warehouse.SnapshotAll();
        Assert.True((await _project.RunAsync(pipeline, "2024-03-02")).Succeeded);

        Assert.Equal(before, warehouse.SnapshotAll());
        Assert.Equal("1|2024-03-01|C1|19.99\n2|2024-03-01|C2|NULL\n6|2024-03-02|C1|10.00\n7|2024-03-02|C3|7.25\n8|2024-03-02|C4|12.00", warehouse.Snapshot("fct_orders"));
        Assert.Equal("C1|Ann|Bergen|2024-03-02\nC2|Bob|Rome|2024-03-01\nC3|Cid|Lyon|2024-03-01\nC4|Dan|Porto|2024-03-02", warehouse.Snapshot("dim_customers"));
        Assert.Equal("C1|2024-03-01|1\nC2|2024-03-01|2\nC3|2024-03-02|7\nC4|2024-03-02|8", warehouse.Snapshot("customer_first_order"));
        Assert.Equal("2024-03-01|2|19.99\n2024-03-02|3|29.25", warehouse.Snapshot("daily_revenue"));
        Assert.Equal(
            [
                "_sluice_sources.customers BASE TABLE", "_sluice_sources.orders BASE TABLE",
                "main.customer_first_order BASE TABLE", "main.customer_revenue BASE TABLE", "main.daily_revenue VIEW",
                "main.dim_customers BASE TABLE", "main.fct_orders BASE TABLE", "main.stg_customers VIEW", "main.stg_orders VIEW",
            ],
            warehouse.Relations());
    }

    [Fact]
    public void The_broken_example_reports_the_seven_errors_the_page_shows()
    {
        var errors = _project.Validate("docs/examples/models/broken.yaml");

        Assert.Equal(7, errors.Count);
        Assert.EndsWith("broken_models/b.sql:2:15: task 'build_models': the models form a cycle: a -> b -> a (each arrow is a ref). Remove one of these refs.", errors[0]);
        Assert.EndsWith("broken_models/stg_orders.sql:2:15: task 'build_models': model 'stg_orders' reads source('order'), which is not an input of this task. Add it to 'inputs' (now: orders).", errors[6]);
    }
}
