using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>
/// Reads the project's named connections: a <c>connections.yaml</c> file (beside the pipeline, or in
/// the working folder, or at SLUICE_CONNECTIONS) and environment variables of the form
/// <c>SLUICE_CONNECTION__NAME__OPTION=value</c>, which add connections or override file options.
/// </summary>
public static class ConnectionsLoader
{
    public const string FileName = "connections.yaml";
    private const string EnvironmentPrefix = "SLUICE_CONNECTION__";

    /// <summary>The connections file that applies to a pipeline in <paramref name="pipelineDirectory"/>, if any.</summary>
    public static string? FindFile(string pipelineDirectory)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_CONNECTIONS") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new SluiceException($"SLUICE_CONNECTIONS points to '{configured}', which does not exist.");
        }

        return new[] { Path.Combine(pipelineDirectory, FileName), Path.GetFullPath(FileName) }.FirstOrDefault(File.Exists);
    }

    public static IReadOnlyList<ConnectionDefinition> Load(string? file, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var connections = file is null ? [] : ReadFile(file);
        return ApplyEnvironment(connections, environment ?? ReadEnvironment());
    }

    private static List<ConnectionDefinition> ReadFile(string file)
    {
        var errors = new List<PipelineError>();
        var display = PipelineYamlLoader.DisplayPath(Path.GetFullPath(file));
        var stream = new YamlStream();
        var text = File.ReadAllText(file);
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when ((e is YamlException or InvalidOperationException) && YamlErrorLocator.FirstIndentingTab(text) is { } tab)
        {
            throw new PipelineValidationException([new PipelineError(new SourceLocation(display, tab.Line, tab.Column), YamlErrorLocator.TabHint)]);
        }
        catch (YamlException e)
        {
            throw new PipelineValidationException([new PipelineError(new SourceLocation(display, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }

        var nodes = new YamlNodes(display, errors);
        var connections = new List<ConnectionDefinition>();
        if (stream.Documents.Count > 0 && nodes.Mapping(stream.Documents[0].RootNode, "a connections file") is { } root)
        {
            foreach (var (_, _, value) in nodes.Entries(root, "the connections file", ["connections"]))
            {
                if (nodes.Mapping(value, "connections") is not { } map)
                {
                    continue;
                }

                foreach (var (name, nameNode, body) in nodes.Entries(map, "connections", []))
                {
                    if (nodes.Mapping(body, $"connection '{name}'") is not { } options)
                    {
                        continue;
                    }

                    var parsed = (MapOption)nodes.Option(options);
                    var type = (parsed.Find("type") as ScalarOption)?.Value;
                    if (type is null)
                    {
                        nodes.Error(nameNode, $"connection '{name}' needs a 'type', for example postgres, sqlite, http or s3.");
                        continue;
                    }

                    connections.Add(new ConnectionDefinition(name, type, new MapOption(parsed.Entries.Where(e => e.Key != "type").ToList(), parsed.Location), nodes.At(nameNode)));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors);
        }

        return connections;
    }

    private static Dictionary<string, string?> ReadEnvironment() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, Environment.GetEnvironmentVariable);

    private static List<ConnectionDefinition> ApplyEnvironment(List<ConnectionDefinition> connections, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (key, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var parts = key[EnvironmentPrefix.Length..].Split("__");
            if (parts.Length != 2 || value is null)
            {
                continue;
            }

            var name = parts[0].ToLowerInvariant();
            var option = parts[1].ToLowerInvariant();
            var location = SourceLocation.Code($"environment variable {key}");
            var index = connections.FindIndex(c => c.Name == name);
            var existing = index >= 0 ? connections[index] : new ConnectionDefinition(name, string.Empty, new MapOption([], location), location);
            // The value is kept as a reference to the variable, so it is masked wherever it is expanded.
            var reference = new ScalarOption($"${{{key}}}", location);
            var updated = option == "type"
                ? existing with { Type = value }
                : existing with { Options = new MapOption(existing.Options.Entries.Where(e => e.Key != option).Append(new(option, reference)).ToList(), existing.Options.Location) };
            if (index >= 0)
            {
                connections[index] = updated;
            }
            else
            {
                connections.Add(updated);
            }
        }

        return connections;
    }
}
