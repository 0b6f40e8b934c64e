namespace Sluice.IntegrationTests.Infrastructure;

internal static class SalesExample
{
    /// <summary>Copies the sales example (pipeline, SQL and data) into the project; returns the pipeline's path.</summary>
    public static string CopySalesExample(this TestProject project)
    {
        project.CopyFromOutput(Path.Combine("examples", "sales"));
        return project.PathOf("sales_etl.yaml");
    }
}
