using Sluice.Connectors.MySql.Tests.Infrastructure;
using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests;

/// <summary>docs/examples/mysql (run by its run.sh for users) gives the table docs/connectors/mysql.md shows.</summary>
public sealed class DocsExampleTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private MyDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await MyDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml("shop"));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    [Fact]
    public async Task The_documented_example_loads_the_documented_totals_and_a_rerun_changes_nothing()
    {
        var example = Path.Combine(Repository(), "docs", "examples", "mysql");
        _project.Write("pipeline.yaml", File.ReadAllText(Path.Combine(example, "mysql.yaml")));
        await _db.ExecuteAsync(File.ReadAllText(Path.Combine(example, "seed.sql")));

        await _project.RunOkAsync("2024-03-01");
        await _project.RunOkAsync("2024-03-02");
        await _project.RunOkAsync("2024-03-01");

        var documented = File.ReadAllText(Path.Combine(Repository(), "docs", "connectors", "mysql.md"));
        var table = await _db.QueryAsync("SELECT CONCAT_WS('\t', DATE_FORMAT(order_date, '%Y-%m-%d'), customer_id, orders, amount, all_paid) FROM daily_customer_totals ORDER BY order_date, customer_id");
        Assert.Contains("order_date\tcustomer_id\torders\tamount\tall_paid\n" + string.Join('\n', table.Select(r => (string)r[0]!)) + "\n```", documented, StringComparison.Ordinal);
        Assert.Equal(3, table.Count);
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Sluice.slnx) is not above the test's folder");
    }
}
