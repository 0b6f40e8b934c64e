using System.CommandLine;
using System.Globalization;

namespace Sluice.Cli.Commands;

internal static class CommonOptions
{
    public static Argument<string> Pipeline() => new("pipeline") { Description = "Pipeline YAML file, or a pipeline name found as <name>.yaml in ., pipelines/ or examples/*/." };

    public static Option<string?> StateDirectory() => new("--state-dir") { Description = "Folder for run history and staged datasets (default: SLUICE_STATE_DIR or ./.sluice)." };

    public static Option<bool> Wait() => new("--wait") { Description = "If another run of the same pipeline and interval is in progress, wait for it instead of refusing." };

    public static Option<bool> Queue() => new("--queue") { Description = "Put the tasks in the state folder's queue for `sluice worker` processes to run, and wait for the run to finish." };

    /// <summary>A logical date: YYYY-MM-DD, or <c>today</c> / <c>yesterday</c> (UTC).</summary>
    public static DateOnly ParseDate(string text, string option, TimeProvider? time = null)
    {
        var today = DateOnly.FromDateTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        return text.Trim().ToLowerInvariant() switch
        {
            "today" => today,
            "yesterday" => today.AddDays(-1),
            _ when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
            _ => throw new SluiceException($"{option} '{text}' is not a date; use YYYY-MM-DD (e.g. 2024-03-01), 'today' or 'yesterday'."),
        };
    }
}
