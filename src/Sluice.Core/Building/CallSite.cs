using System.Collections.Concurrent;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>
/// Where a builder call is in the caller's source: the line comes from [CallerLineNumber]; the
/// column is where the given text (an option's quoted name) starts on that line, when the source
/// file is on this machine (development, file-based apps). Elsewhere the column is 1.
/// </summary>
internal static class CallSite
{
    private static readonly ConcurrentDictionary<string, string[]?> Sources = new(StringComparer.Ordinal);

    public static SourceLocation At(string file, int line, string? text = null)
    {
        if (text is null || line < 1)
        {
            return new SourceLocation(file, line, 1);
        }

        var lines = Sources.GetOrAdd(file, f => File.Exists(f) ? File.ReadAllLines(f) : null);
        var column = lines is not null && line <= lines.Length ? lines[line - 1].IndexOf(text, StringComparison.Ordinal) : -1;
        return new SourceLocation(file, line, column >= 0 ? column + 1 : 1);
    }

    /// <summary>
    /// The folder relative option paths resolve against when the code does not say: the folder of
    /// the file that called <c>Create</c> when it exists here (as a YAML pipeline's paths resolve
    /// against the YAML file's folder), else the folder of the running application. Never the
    /// current directory, so a program behaves the same wherever it is started from.
    /// </summary>
    public static string DefaultBaseDirectory(string callerFile)
    {
        var folder = Path.GetDirectoryName(callerFile);
        return !string.IsNullOrEmpty(folder) && Path.IsPathRooted(folder) && Directory.Exists(folder)
            ? folder
            : AppContext.BaseDirectory;
    }
}
