using System.Globalization;

namespace Sluice.Connectors.S3.Tests.Infrastructure;

/// <summary>A project whose pipeline has one <c>source: s3</c> task writing dataset <c>raw</c>, and its own key prefix.</summary>
public abstract class SourceTestBase : IDisposable
{
    private protected S3Server S3 { get; } = new();

    private protected TestProject Project { get; } = new();

    protected SourceTestBase() => Project.Write("connections.yaml", S3Server.ConnectionsYaml());

    private protected string Staged => Sql.Quote(Project.Staged("s3in", "2024-03-01", "raw"));

    private protected void Pipeline(string with, string datasets = "") => Project.Write("pipeline.yaml", $$$"""
        name: s3in
        {{{datasets}}}
        tasks:
          pull: { source: s3, output: raw, with: { connection: store, {{{with}}} } }
        """);

    private protected long Count(string filter = "true") =>
        Convert.ToInt64(Sql.Query($"SELECT count(*) FROM read_parquet({Staged}) WHERE {filter}")[0][0], CultureInfo.InvariantCulture);

    private protected async Task SucceedsAsync()
    {
        var result = await Project.RunAsync("2024-03-01");
        Assert.True(result.Succeeded, result.Run.Error);
    }

    public void Dispose()
    {
        Project.Dispose();
        S3.Dispose();
        GC.SuppressFinalize(this);
    }
}
