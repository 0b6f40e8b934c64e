using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>Small helpers that read YAML nodes and record located errors instead of throwing.</summary>
internal sealed class YamlNodes(string file, List<PipelineError> errors)
{
    public SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => errors.Add(new PipelineError(At(node), message));

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, $"{what} must be a mapping of keys to values.");
        return null;
    }

    public string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Error(node, $"{what} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}.");
        return null;
    }

    /// <summary>A list of names, also accepted as one name.</summary>
    public List<string> Names(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { Length: > 0 } single }:
                return [single];
            case YamlSequenceNode sequence:
                var names = new List<string>();
                foreach (var item in sequence)
                {
                    if (Scalar(item, $"each item of {what}") is { } name)
                    {
                        names.Add(name);
                    }
                }

                return names;
            default:
                Error(node, $"{what} must be a name or a list of names.");
                return [];
        }
    }

    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode mapping, string what, IReadOnlyCollection<string> allowed)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (allowed.Count > 0 && !allowed.Contains(key))
            {
                Error(keyNode, Suggestions.UnknownName("key", key, allowed, $"in {what}"));
                continue;
            }

            yield return (key, keyNode, value);
        }
    }

    public OptionValue Option(YamlNode node) => node switch
    {
        YamlScalarNode scalar => new ScalarOption(IsNull(scalar) ? null : scalar.Value, At(node)),
        YamlSequenceNode sequence => new ListOption(sequence.Children.Select(Option).ToList(), At(node)),
        YamlMappingNode mapping => new MapOption(
            mapping.Children.Where(c => KeyIsText(c.Key))
                .Select(c => new KeyValuePair<string, OptionValue>(((YamlScalarNode)c.Key).Value ?? string.Empty, Option(c.Value) with { KeyLocation = At(c.Key) })).ToList(),
            At(node)),
        _ => new ScalarOption(null, At(node)),
    };

    private bool KeyIsText(YamlNode key)
    {
        if (key is YamlScalarNode)
        {
            return true;
        }

        Error(key, "an option name must be plain text, not a list or a mapping.");
        return false;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
