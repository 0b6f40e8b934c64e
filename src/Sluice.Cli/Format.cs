using System.Globalization;
using Spectre.Console;

namespace Sluice.Cli;

/// <summary>Shared formatting for tables and progress.</summary>
internal static class Format
{
    public static IAnsiConsole Console { get; } = Create();

    private static IAnsiConsole Create()
    {
        var redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });

        // A pipe has no width; tables written to files and logs should not wrap at 80 columns.
        if (redirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    public static string State(string state)
    {
        var name = string.Concat(state.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
        var colour = name switch
        {
            "success" => "green",
            "failed" => "red",
            "upstream_failed" => "darkorange",
            "abandoned" => "red",
            "cancelled" => "darkorange",
            "running" => "blue",
            "up_for_retry" => "yellow",
            "up_for_reschedule" => "yellow",
            _ => "grey",
        };
        return $"[{colour}]{name}[/]";
    }

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds:0.0}s" : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{(int)span.TotalHours}h{span.Minutes:00}m";

    /// <summary>
    /// A run's error for a one-line view: "task 'x' failed: reason" becomes "x: reason", so the
    /// reason, not the repeated wording, survives the cut.
    /// </summary>
    public static string Reason(string? error, int length) =>
        Shorten(error?.Replace("task '", string.Empty, StringComparison.Ordinal).Replace("' failed: ", ": ", StringComparison.Ordinal), length);

    public static string Shorten(string? text, int length) =>
        text is null ? string.Empty : text.Length <= length ? text : text[..(length - 3)] + "...";
}
