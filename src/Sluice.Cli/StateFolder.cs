namespace Sluice.Cli;

/// <summary>
/// Finds the project's state folder the way git finds its repository, so <c>sluice runs</c> in a
/// subfolder of a project sees the project's runs instead of an empty history of its own.
/// </summary>
internal static class StateFolder
{
    public const string DefaultName = ".sluice";

    /// <summary>The file that marks a project's root even before its first run made a state folder.</summary>
    public const string ProjectMarker = "connections.yaml";

    /// <summary>
    /// --state-dir, else SLUICE_STATE_DIR, else the nearest folder from <paramref name="workingDirectory"/>
    /// upwards that has a <c>.sluice</c> folder or a <c>connections.yaml</c>, else <c>./.sluice</c>.
    /// </summary>
    public static string Locate(string? option, string? environment, string workingDirectory)
    {
        if ((option ?? (string.IsNullOrEmpty(environment) ? null : environment)) is { } configured)
        {
            return Path.GetFullPath(configured, workingDirectory);
        }

        for (var folder = new DirectoryInfo(workingDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, DefaultName);
            if (Directory.Exists(candidate) || File.Exists(Path.Combine(folder.FullName, ProjectMarker)))
            {
                return candidate;
            }
        }

        return Path.Combine(Path.GetFullPath(workingDirectory), DefaultName);
    }

    /// <summary>True when <paramref name="stateDirectory"/> is not the obvious <c>./.sluice</c>, so the user should be told.</summary>
    public static bool IsElsewhere(string stateDirectory, string workingDirectory) =>
        !string.Equals(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory)),
            Path.Combine(Path.GetFullPath(workingDirectory), DefaultName),
            StringComparison.Ordinal);
}
