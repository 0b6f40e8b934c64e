using Sluice.Model;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>The scheduler's keys: end_date, catchup, max_active_runs and sla.</summary>
public static partial class PipelineYamlLoader
{
    private static ScheduleSettings ReadScheduling(ScheduleSettings settings, string key, YamlNode value, YamlNodes nodes)
    {
        settings = settings with { Location = settings.Location ?? nodes.At(value) };
        switch (key)
        {
            case "end_date":
                return settings with { EndDate = ReadDate(value, nodes, key) };
            case "catchup":
                var text = nodes.Scalar(value, key);
                if (Connectors.OptionParsing.ParseBool(text) is { } catchup)
                {
                    return settings with { Catchup = catchup };
                }

                nodes.Error(value, $"catchup must be true or false (got '{text}').");
                return settings;
            case "max_active_runs":
                return settings with { MaxActiveRuns = ReadInt(value, nodes, key, 1) ?? settings.MaxActiveRuns };
            default:
                if (nodes.Mapping(value, "sla") is not { } sla)
                {
                    return settings;
                }

                foreach (var (name, _, item) in nodes.Entries(sla, "sla", ["deadline", "max_duration"]))
                {
                    settings = name == "deadline"
                        ? settings with { SlaDeadline = ReadDuration(item, nodes, "sla.deadline") }
                        : settings with { SlaMaxDuration = ReadDuration(item, nodes, "sla.max_duration") };
                }

                return settings;
        }
    }
}
