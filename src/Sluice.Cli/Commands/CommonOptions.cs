using System.CommandLine;
using System.Globalization;

namespace Sluice.Cli.Commands;

internal static class CommonOptions
{
    public static Argument<string> Pipeline() => new("pipeline") { Description = "Pipeline YAML file, or a pipeline name found as <name>.yaml in ., pipelines/ or examples/*/." };

    public static Option<string?> StateDirectory() => new("--state-dir") { Description = "Folder for run history and staged datasets (default: SLUICE_STATE_DIR or ./.sluice)." };

    public static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new SluiceException($"{option} '{text}' is not a date; use YYYY-MM-DD, e.g. 2024-03-01.");
}
