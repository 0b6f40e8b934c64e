using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Transforms.Steps;

/// <summary>Reads the <c>steps:</c> list of a task into step objects, collecting located errors.</summary>
internal static class StepParser
{
    private static readonly Dictionary<string, Func<StepArguments, Step>> Parsers = new(StringComparer.Ordinal)
    {
        ["drop_duplicates"] = DropDuplicatesStep.Parse,
        ["fill_null"] = FillNullStep.Parse,
        ["drop_null"] = DropNullStep.Parse,
        ["outliers"] = OutliersStep.Parse,
        ["normalize"] = NormalizeStep.Parse,
        ["map_values"] = MapValuesStep.Parse,
        ["derive"] = DeriveStep.Parse,
        ["join"] = JoinStep.Parse,
        ["aggregate"] = AggregateStep.Parse,
        ["filter"] = FilterStep.Parse,
        ["select"] = SelectStep.Parse,
        ["rename"] = RenameStep.Parse,
        ["cast"] = CastStep.Parse,
        ["lookup_keys"] = LookupKeysStep.Parse,
        ["assert"] = AssertStep.Parse,
    };

    public static IEnumerable<string> Names => Parsers.Keys;

    public static IReadOnlyList<Step> Parse(OptionValue? steps, SourceLocation taskLocation, List<PipelineError> errors)
    {
        if (steps is not ListOption list || list.Items.Count == 0)
        {
            errors.Add(new PipelineError(steps?.Location ?? taskLocation, "option 'steps' must be a list of steps, e.g. '- drop_duplicates: { subset: [order_id] }'."));
            return [];
        }

        var parsed = new List<Step>();
        foreach (var item in list.Items)
        {
            if (item is not MapOption { Entries.Count: 1 } single)
            {
                errors.Add(new PipelineError(item.Location, $"each step is a mapping with one key, the step's name ({string.Join(", ", Names)})."));
                continue;
            }

            var (name, value) = single.Entries[0];
            if (!Parsers.TryGetValue(name, out var parse))
            {
                errors.Add(new PipelineError(value.KeyLocation ?? item.Location, Suggestions.UnknownName("step", name, Names)));
                continue;
            }

            parsed.Add(parse(new StepArguments(name, value, errors)));
        }

        return parsed;
    }
}
