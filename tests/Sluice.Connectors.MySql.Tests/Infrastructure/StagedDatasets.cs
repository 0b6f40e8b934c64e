using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests.Infrastructure;

/// <summary>Reads a test project's staged datasets.</summary>
internal static class StagedDatasets
{
    /// <summary>Rows of a staged dataset, through DuckDB.</summary>
    public static List<object?[]> Rows(this TestProject project, string pipeline, string date, string dataset, string select = "*") =>
        new Warehouse(":memory:").Query($"SELECT {select} FROM read_parquet('{project.Staged(pipeline, date, dataset)}')");

    public static List<(string Name, string Type)> StagedSchema(this TestProject project, string pipeline, string date, string dataset) =>
        new Warehouse(":memory:").Query($"DESCRIBE SELECT * FROM read_parquet('{project.Staged(pipeline, date, dataset)}')").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
}
