using Sluice.Core.Tests.Support;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Core.Tests.Yaml;

/// <summary>The shipped example, examples/sales/sales_etl.yaml, read by the loader.</summary>
public sealed class SalesExampleLoadingTests
{
    private static readonly string ExamplePath = Pipelines.RepositoryFile("examples", "sales", "sales_etl.yaml");
    private readonly PipelineDefinition _pipeline = PipelineYamlLoader.LoadFile(ExamplePath);

    [Fact]
    public void Header_fields_are_read()
    {
        Assert.Equal("sales_etl", _pipeline.Name);
        Assert.StartsWith("Daily sales", _pipeline.Description);
        Assert.Equal("0 2 * * *", _pipeline.Schedule);
        Assert.Equal("UTC", _pipeline.TimeZone);
        Assert.Equal(IntervalUnit.Day, _pipeline.Interval);
        Assert.Equal(new DateOnly(2024, 3, 1), _pipeline.StartDate);
        Assert.Equal(4, _pipeline.MaxParallelTasks);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_folder_of_the_file()
    {
        Assert.Equal(Path.GetDirectoryName(ExamplePath), _pipeline.BaseDirectory);
    }

    [Fact]
    public void Defaults_become_the_pipeline_retry_and_timeout_and_apply_to_every_task()
    {
        var expected = new RetrySettings(2, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromMinutes(5));
        Assert.Equal(expected, _pipeline.DefaultRetry);
        Assert.Equal(TimeSpan.FromMinutes(10), _pipeline.DefaultTimeout);
        Assert.All(_pipeline.Tasks, t => Assert.Equal(expected, t.Retry));
        Assert.All(_pipeline.Tasks, t => Assert.Equal(TimeSpan.FromMinutes(10), t.Timeout));
    }

    [Fact]
    public void Params_are_read_as_text()
    {
        var parameter = Assert.Single(_pipeline.Parameters);
        Assert.Equal(new KeyValuePair<string, string>("outlier_factor", "5"), parameter);
    }

    [Fact]
    public void Tasks_keep_file_order_with_their_kind_and_connector()
    {
        string[] expected =
        [
            "extract_orders:source:files", "extract_customers:source:files", "extract_products:source:files",
            "clean_orders:transform:steps", "dim_date:transform:dim_date", "dim_product:transform:steps", "dim_customer:transform:steps",
            "customer_versions:source:duckdb", "fact_sales:transform:steps", "daily_revenue:transform:steps", "rejected_orders:transform:sql",
            "load_fact_sales:sink:duckdb", "load_dim_date:sink:duckdb", "load_dim_product:sink:duckdb",
            "load_dim_customer:sink:duckdb", "load_daily_revenue:sink:duckdb", "load_rejected_orders:sink:duckdb",
            "lake_fact_sales:sink:parquet",
        ];
        Assert.Equal(expected, _pipeline.Tasks.Select(t => $"{t.Id}:{t.Kind.ToString().ToLowerInvariant()}:{t.Connector}"));
    }

    [Fact]
    public void Inputs_may_be_a_list_or_a_single_name()
    {
        var clean = _pipeline.Task("clean_orders");
        Assert.Equal(["raw_orders", "raw_products"], clean.Inputs);
        Assert.Equal(["orders_clean"], clean.Outputs);

        var product = _pipeline.Task("dim_product");
        Assert.Equal(["raw_products"], product.Inputs);
        Assert.Equal(["dim_product"], product.Outputs);

        Assert.Empty(_pipeline.Task("dim_date").Inputs);
    }

    [Fact]
    public void Quarantined_source_writes_its_output_and_the_named_quarantine_dataset()
    {
        var extract = _pipeline.Task("extract_orders");
        Assert.Equal(BadRowPolicy.Quarantine, extract.OnBadRows);
        Assert.Equal("raw_orders_rejected", extract.EffectiveQuarantineOutput);
        Assert.Equal(["raw_orders", "raw_orders_rejected"], extract.AllOutputs);
        Assert.Equal(BadRowPolicy.Fail, _pipeline.Task("extract_customers").OnBadRows);
    }

    [Fact]
    public void Task_location_is_its_id_in_the_file()
    {
        var location = _pipeline.Task("clean_orders").Location;
        Assert.EndsWith("sales_etl.yaml", location.File);
        Assert.Equal((67, 3), (location.Line, location.Column));
    }

    [Fact]
    public void Flow_style_options_keep_their_order_and_values()
    {
        var options = _pipeline.Task("load_fact_sales").Options.Entries
            .Select(e => $"{e.Key}={((ScalarOption)e.Value).Value}");
        Assert.Equal(["database=warehouse/sales.duckdb", "table=fact_sales", "mode=delete_insert", "partition_column=order_date", "partition_value={{ ds }}"], options);
    }

    [Fact]
    public void Dataset_columns_are_read_in_order_with_upper_case_types()
    {
        Assert.Equal(["raw_orders", "raw_products"], _pipeline.Datasets.Select(d => d.Name));
        ColumnDefinition[] expected =
        [
            new("order_id", "BIGINT"), new("order_ts", "TIMESTAMP"), new("customer_id", "VARCHAR"), new("customer_email", "VARCHAR"),
            new("product_id", "VARCHAR"), new("category", "VARCHAR"), new("quantity", "INTEGER"), new("amount", "DECIMAL(12,2)"),
        ];
        Assert.Equal(expected, _pipeline.Datasets[0].Columns);
    }

    [Fact]
    public void The_products_dataset_declares_checks_and_a_metric()
    {
        var products = _pipeline.Datasets[1];
        Assert.Equal(["product_id", "product_name", "category", "unit_price"], products.Columns.Select(c => c.Name));
        Assert.Equal(["unique(product_id)", "range(unit_price)"], products.Checks.Select(c => c.Name));
        Assert.Equal("sum(unit_price)", Assert.Single(products.Metrics).Expression);
    }

    [Fact]
    public void The_example_is_a_valid_pipeline()
    {
        Assert.Empty(PipelineValidator.Validate(_pipeline, Pipelines.Catalog()));
    }
}
