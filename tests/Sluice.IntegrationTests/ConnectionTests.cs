using Sluice.Cli;
using Sluice.Execution;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.IntegrationTests;

/// <summary>Named connections from connections.yaml, the environment and a secrets file.</summary>
public sealed class ConnectionTests : IDisposable
{
    private readonly TestProject _project = new();

    private static Connectors.ConnectorCatalog Catalog() => SluiceHost.Catalog().Add(new ConnectionProbe()).Add(ConnectionProbe.Type);

    [Fact]
    public async Task A_task_reads_its_connection_with_secrets_from_a_secrets_file_and_logs_them_masked()
    {
        _project.Write("connections.yaml", "connections:\n  partner:\n    type: probe\n    url: http://127.0.0.1:9/api\n    token: ${PARTNER_TOKEN}\n");
        _project.Write("secrets.env", "# secrets stay out of git\nPARTNER_TOKEN=\"tok-from-file-123\"\n");
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  pull: { source: probe, output: raw, with: { connection: partner } }\n");
        var lines = new RunLog();

        var result = await _project.RunAsync("2024-03-01", lines, Catalog());

        Assert.True(result.Succeeded, result.Run.Error);
        var staged = Path.Combine(_project.StateDirectory, "artifacts", "p", "2024-03-01", "raw.parquet");
        Assert.Equal("http://127.0.0.1:9/api|tok-from-file-123", Warehouse.InMemory().Snapshot($"read_parquet('{staged}')"));
        Assert.Contains("connecting to http://127.0.0.1:9/api with ***", lines.Messages);
        Assert.DoesNotContain(lines.Messages, l => l.Contains("tok-from-file-123", StringComparison.Ordinal));
    }

    [Fact]
    public void Connections_can_come_from_the_environment_alone()
    {
        var connections = ConnectionsLoader.Load(null, new Dictionary<string, string?>
        {
            ["SLUICE_CONNECTION__PARTNER__TYPE"] = "probe",
            ["SLUICE_CONNECTION__PARTNER__URL"] = "http://127.0.0.1:9",
        });

        var partner = Assert.Single(connections);
        Assert.Equal(("partner", "probe"), (partner.Name, partner.Type));
        Assert.Equal("${SLUICE_CONNECTION__PARTNER__URL}", ((Model.ScalarOption)partner.Options.Find("url")!).Value);
    }

    [Fact]
    public void Unknown_connections_wrong_types_and_bad_connection_options_are_validation_errors()
    {
        _project.Write("connections.yaml", "connections:\n  partner:\n    type: probe\n    urll: x\n  files_only:\n    type: ftp\n");
        _project.Write("pipeline.yaml", """
            name: p
            tasks:
              a: { source: probe, output: a, with: { connection: partner } }
              b: { source: probe, output: b, with: { connection: partnr } }
              c: { source: probe, output: c, with: { connection: files_only } }
            """);

        var error = Assert.Throws<PipelineValidationException>(() => PipelineLoader.LoadValid(_project.PathOf("pipeline.yaml"), Catalog()));

        var messages = error.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.Contains("connections.yaml:4:5: connection 'partner': unknown option 'urll' of probe connection. Did you mean 'url'?", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("connections.yaml:2:3: connection 'partner': probe connection needs option 'url'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("pipeline.yaml:4:54: task 'b': unknown connection 'partnr'. Did you mean 'partner'?", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("task 'c': connection 'files_only' is a 'ftp' connection, but source 'probe' needs one of type probe.", StringComparison.Ordinal));
    }

    public void Dispose() => _project.Dispose();
}
