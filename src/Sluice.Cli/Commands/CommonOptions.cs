using System.CommandLine;
using System.Globalization;

namespace Sluice.Cli.Commands;

internal static class CommonOptions
{
    public static Argument<string> Pipeline() => new("pipeline") { Description = "Pipeline YAML file, or a pipeline name found as <name>.yaml in ., pipelines/ or examples/*/." };

    public static Option<string?> StateDirectory() => new("--state-dir") { Description = "Folder for run history and staged datasets (default: SLUICE_STATE_DIR or ./.sluice)." };

    /// <summary>
    /// Where run history and events are kept, for every command (a recursive option of the root):
    /// a postgres:// URL or Npgsql connection string, or a SQLite file. Default: SLUICE_METADATA, else
    /// SQLite in the state folder.
    /// </summary>
    public static Option<string?> Metadata { get; } = new("--metadata")
    {
        Description = "Metadata store: postgres://user@host:5432/db?schema=sluice, Host=...;Database=..., or a SQLite file (default: SLUICE_METADATA, else <state>/sluice.db). Passwords go in SLUICE_METADATA_PASSWORD.",
        Recursive = true,
    };

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
