using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>A source that writes the options of its connection into its dataset, to test connection resolution.</summary>
internal sealed class ConnectionProbe : IConnector
{
    public static ConnectionType Type { get; } = new("probe", "test connection", [OptionSpec.Text("url", "Where.", required: true), OptionSpec.Text("token", "A secret.")]);

    public string Name => "probe";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "test";

    public IReadOnlyList<OptionSpec> Options { get; } = [OptionSpec.ConnectionOf("The connection to probe.", "probe")];

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var connection = context.Connection();
        var url = connection.GetRequiredString("url");
        var token = connection.GetString("token");
        context.Log($"connecting to {url} with {token}");
        await using var writer = await DatasetWriter.CreateAsync([("url", "VARCHAR"), ("token", "VARCHAR")], cancellationToken: cancellationToken);
        writer.Append([url, token]);
        var rows = await writer.CompleteAsync(context.OutputPath(context.Task.Outputs[0]), cancellationToken);
        return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [context.Task.Outputs[0]] = rows } };
    }
}
