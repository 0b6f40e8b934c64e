using System.Text.Json.Nodes;
using Sluice.Cli;

namespace Sluice.IntegrationTests;

public sealed class SchemaFileTests
{
    private static string RepositoryFile(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, relative);
    }

    [Fact]
    public void The_committed_json_schema_is_the_one_the_connectors_generate()
    {
        var committed = File.ReadAllText(RepositoryFile("schema/sluice-pipeline.schema.json"));

        var generated = PipelineJsonSchema.Generate(SluiceHost.Catalog());

        Assert.True(committed == generated, "schema/sluice-pipeline.schema.json is stale: run `sluice schema --output schema/sluice-pipeline.schema.json`.");
    }

    [Fact]
    public void The_schema_knows_every_option_of_every_connector()
    {
        var schema = JsonNode.Parse(PipelineJsonSchema.Generate(SluiceHost.Catalog()))!;
        var rules = schema["properties"]!["tasks"]!["additionalProperties"]!["allOf"]!.AsArray();

        foreach (var connector in SluiceHost.Catalog().All)
        {
            var kind = connector.Kind.ToString().ToLowerInvariant();
            var rule = rules.Single(r => (string?)r!["if"]!["properties"]![kind]?["const"] == connector.Name)!;
            var options = rule["then"]!["properties"]!["with"]!["properties"]!.AsObject().Select(p => p.Key);
            Assert.Equal(connector.Options.Select(o => o.Name).Order(), options.Order());
        }
    }
}
