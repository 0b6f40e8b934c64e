using Sluice.Execution;
using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests.Infrastructure;

/// <summary>Runs pipeline.yaml of a test project and asserts how the run ended.</summary>
internal static class Runs
{
    public static async Task<RunResult> RunOkAsync(this TestProject project, string date = "2024-03-01")
    {
        var result = await project.RunAsync(date);
        Assert.True(result.Succeeded, result.Run.Error);
        return result;
    }

    /// <summary>Runs a pipeline that must fail, and returns the run's error.</summary>
    public static async Task<string> RunFailsAsync(this TestProject project, string date = "2024-03-01")
    {
        var result = await project.RunAsync(date);
        Assert.False(result.Succeeded, "the run should have failed");
        return result.Run.Error!;
    }

    /// <summary>Rows of a staged dataset, through DuckDB.</summary>
    public static List<object?[]> Rows(this TestProject project, string pipeline, string date, string dataset, string select = "*") =>
        new Warehouse(":memory:").Query($"SELECT {select} FROM read_parquet('{project.Staged(pipeline, date, dataset)}')");

    public static List<(string Name, string Type)> StagedSchema(this TestProject project, string pipeline, string date, string dataset) =>
        new Warehouse(":memory:").Query($"DESCRIBE SELECT * FROM read_parquet('{project.Staged(pipeline, date, dataset)}')").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
}
