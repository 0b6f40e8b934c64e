using System.Text.Json.Nodes;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Hosting;

/// <summary>
/// The pipelines a scheduler serves: every pipeline YAML in a folder (or one file), reloaded when a
/// file changes. A file that stops loading keeps its last good version scheduled, and the problem is
/// reported once per version of the file, on the event log and to the caller's log.
/// </summary>
internal sealed class PipelineFolder(string path, ConnectorCatalog catalog, IEventLog events, TimeProvider time, Action<string> report)
{
    private static readonly HashSet<string> NotPipelines = new(StringComparer.OrdinalIgnoreCase) { "connections.yaml", "connections.yml", "alerts.yaml", "alerts.yml" };
    private readonly Dictionary<string, (DateTime Written, PipelineDefinition? Good)> _files = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<PipelineDefinition>> LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var file in Files())
        {
            var written = File.GetLastWriteTimeUtc(file);
            if (_files.TryGetValue(file, out var known) && known.Written == written)
            {
                continue;
            }

            try
            {
                _files[file] = (written, PipelineLoader.LoadValid(file, catalog));
            }
            catch (SluiceException e)
            {
                _files[file] = (written, known.Good);
                var kept = known.Good is null ? "it is not scheduled" : "its last good version stays scheduled";
                var message = $"pipeline file {file} no longer loads; {kept}: {e.Message}";
                report(message);
                await events.AppendAsync(
                    new RunEvent { Timestamp = time.GetUtcNow(), Type = EventTypes.SystemError, Pipeline = known.Good?.Name, Payload = new JsonObject { ["file"] = file, ["message"] = message } },
                    cancellationToken);
            }
        }

        return _files.Values.Select(f => f.Good).OfType<PipelineDefinition>().ToList();
    }

    private IEnumerable<string> Files()
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }

        return Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.y*ml", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Where(f => !NotPipelines.Contains(Path.GetFileName(f)) && !f.Contains($"{Path.DirectorySeparatorChar}.sluice{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(Path.GetFullPath)
                .Order(StringComparer.Ordinal)
            : [];
    }
}
