using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// sluice validate compiles the SQL of sql transforms against empty tables shaped like their inputs:
/// a typo is reported at the SQL's file:line:col with DuckDB's message before anything runs.
/// </summary>
public sealed class SqlValidationTests : IDisposable
{
    private readonly TestProject _project = new();

    public SqlValidationTests()
    {
        _project.Write("in/orders.csv", "order_id,customer_id,amount\n1,c1,10.5\n");
        _project.Write("in/customers.csv", "customer_id,name\nc1,Ann\n");
        _project.Write("sql/totals.sql", """
            -- Revenue per customer; the shape of 'orders' comes from the source's columns.
            SELECT o.customer_id, any_value(c.name) AS name,
                   sum(o.amount) AS revenue
            FROM orders o
            JOIN customers c USING (customer_id)
            GROUP BY o.customer_id
            """);
        _project.Write("pipeline.yaml", """
            name: checked
            datasets:
              customers:
                columns: { customer_id: VARCHAR, name: VARCHAR }
            tasks:
              extract_orders:
                source: files
                output: orders
                with:
                  path: in/orders.csv
                  columns: { order_id: BIGINT, customer_id: VARCHAR, amount: "DECIMAL(10,2)" }
              extract_customers:
                source: files
                output: customers
                with: { path: in/customers.csv }
              totals:
                transform: sql
                inputs: [orders, customers]
                output: totals
                with: { sql_file: sql/totals.sql }
              top:
                transform: sql
                input: totals
                output: top
                with:
                  sql: |
                    SELECT customer_id, revenue
                    FROM totals
                    WHERE revenue > 10
            """);
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task A_valid_chain_of_sql_transforms_validates()
    {
        var result = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public async Task An_unknown_column_in_inline_sql_is_reported_at_its_line_and_column_in_the_yaml()
    {
        _project.Write("pipeline.yaml", File.ReadAllText(_project.PathOf("pipeline.yaml")).Replace("WHERE revenue > 10", "WHERE revnue > 10", StringComparison.Ordinal));

        var result = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            "pipeline.yaml:29:15: task 'top': the SQL does not compile against its inputs' columns: Binder Error: Referenced column \"revnue\" not found in FROM clause!",
            result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typo_in_a_sql_file_is_reported_at_its_line_and_column_in_that_file()
    {
        _project.Write("sql/totals.sql", File.ReadAllText(_project.PathOf("sql/totals.sql")).Replace("sum(o.amount)", "sum(o.amont)", StringComparison.Ordinal));

        var result = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sql/totals.sql:3:12: task 'totals': the SQL does not compile against its inputs' columns: Binder Error:", result.Error, StringComparison.Ordinal);
        Assert.Contains("\"amont\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_is_reported_by_validate_and_a_task_reading_an_input_of_unknown_shape_is_left_to_the_run()
    {
        _project.Write("sql/totals.sql", File.ReadAllText(_project.PathOf("sql/totals.sql")).Replace("GROUP BY", "GROUP GROUP BY", StringComparison.Ordinal));
        _project.Write("loose.yaml", """
            name: loose
            tasks:
              extract:
                source: files
                output: raw
                with: { path: in/orders.csv }
              pick:
                transform: sql
                input: raw
                output: picked
                with: { sql: "SELECT anything_at_all FROM raw" }
            """);

        var broken = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");
        var loose = await CliProcess.RunAsync(_project.Root, null, "validate", "loose.yaml");

        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("sql/totals.sql:6:7: task 'totals': the SQL does not compile against its inputs' columns: Parser Error: syntax error at or near \"GROUP\"", broken.Error, StringComparison.Ordinal);
        Assert.True(loose.ExitCode == 0, loose.All);
    }
}
