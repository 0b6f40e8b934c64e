namespace Sluice.Transforms.Tests;

/// <summary>The runnable example of docs/transforms/steps.md gives the tables the page shows.</summary>
public sealed class DocsExampleTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task The_steps_example_cleans_enriches_and_sums_the_orders_and_quarantines_the_bad_date()
    {
        _project.CopyFromOutput("docs-examples-steps", into: "steps");
        var log = new RunLog();
        // Paths resolve against the pipeline's folder, as 'sluice run docs/examples/steps/steps.yaml' does.
        var pipeline = Yaml.PipelineYamlLoader.Load(File.ReadAllText(_project.PathOf("steps/steps.yaml")), "steps/steps.yaml", _project.PathOf("steps"));
        var result = await _project.RunAsync(pipeline, "2024-03-01", observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        var warehouse = _project.Warehouse("out/steps.duckdb");
        Assert.Equal(
            "Books|8.5|1|1|8.5\nClothing|19.99|1|1|19.99\nElectronics|1234.5|1|1|1234.5\nOther|45|1|1|45\nToys|45|1|1|45",
            warehouse.Snapshot("revenue_by_category"));
        Assert.Equal(
            [1001L, 1002L, 1003L, 1005L, 1006L, 1007L],
            warehouse.Query("SELECT order_id FROM orders").Select(r => r[0]));
        Assert.Equal(
            "1006|2024-03-01 22:45:00|99999|True",
            string.Join('\n', warehouse.Query("SELECT order_id, ordered_at, amount, amount_is_outlier FROM orders WHERE amount_is_outlier").Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))).Replace("03/01/2024 22:45:00", "2024-03-01 22:45:00", StringComparison.Ordinal));
        Assert.Equal("5|ordered_at|31/02/2024 12:00|cannot parse as timestamp with %d/%m/%Y %H:%M|step 'normalize' (steps/steps.yaml:38:11)", warehouse.Snapshot("rejected_orders"));
        Assert.DoesNotContain(log.Of("clean_orders"), l => l.Contains("map_values", StringComparison.Ordinal)); // default: Other is what was asked
        Assert.Contains("step 'join' (steps/steps.yaml:46:11): 1 row(s) found no match in 'customers' on customer_id", log.Of("clean_orders"));
    }

    public void Dispose() => _project.Dispose();
}
