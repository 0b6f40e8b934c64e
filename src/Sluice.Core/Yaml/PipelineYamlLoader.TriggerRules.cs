using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>A task's <c>trigger_rule</c>, spelt as in Airflow.</summary>
public static partial class PipelineYamlLoader
{
    private static readonly Dictionary<string, TriggerRule> TriggerRules = new(StringComparer.Ordinal)
    {
        ["all_success"] = TriggerRule.AllSuccess,
        ["all_done"] = TriggerRule.AllDone,
        ["one_failed"] = TriggerRule.OneFailed,
    };

    private static TriggerRule ReadTriggerRule(YamlNodes nodes, YamlNode value)
    {
        var text = nodes.Scalar(value, "trigger_rule") ?? string.Empty;
        if (TriggerRules.TryGetValue(text.Trim().ToLowerInvariant(), out var rule))
        {
            return rule;
        }

        nodes.Error(value, Suggestions.UnknownName("trigger_rule", text, TriggerRules.Keys));
        return TriggerRule.AllSuccess;
    }
}
