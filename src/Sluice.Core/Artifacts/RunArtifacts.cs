using System.Globalization;

namespace Sluice.Artifacts;

/// <summary>
/// The staged datasets of one pipeline's data interval, as Parquet files in a local folder. Outputs are
/// written to a staging folder and published only when their task succeeds, so a downstream or
/// retried task never reads a half-written file, and a resumed run reads them instead of extracting again.
/// With a shared <see cref="IArtifactStore"/>, each published file is also uploaded (before it is
/// published here), and an input missing locally is fetched from the store.
/// </summary>
public sealed class RunArtifacts
{
    private const string StagingFolder = "_staging";
    private readonly IArtifactStore? _remote;
    private readonly string _remotePrefix;
    private readonly string _staging;

    /// <summary>
    /// Opens the interval's folder for one run. Staging is private to the run; the caller holds the
    /// interval (no other live run has it), so staging left by earlier runs is from dead processes and goes.
    /// </summary>
    /// <param name="attempt">
    /// For a worker's attempt: its own staging folder name, and leftovers are left alone, since other
    /// workers may be staging other tasks of the same run in the same folder.
    /// </param>
    public RunArtifacts(string stateDirectory, string pipeline, DateOnly logicalDate, IArtifactStore? remote = null, long runId = 0, string? attempt = null)
        : this(IntervalFolder(stateDirectory, pipeline, logicalDate), null, remote, pipeline, logicalDate)
    {
        _staging = Path.Combine(Root, StagingFolder, "run-" + runId.ToString(CultureInfo.InvariantCulture) + (attempt is null ? string.Empty : "-" + attempt));
        if (attempt is null)
        {
            RemoveLeftovers();
        }

        Directory.CreateDirectory(_staging);
    }

    private RunArtifacts(string root, string? staging, IArtifactStore? remote, string pipeline, DateOnly logicalDate)
    {
        Root = root;
        _staging = staging ?? string.Empty;
        _remote = remote;
        _remotePrefix = $"{pipeline}/{logicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";
    }

    /// <summary>
    /// For <c>sluice test</c>: reads the interval's published datasets, writes outputs to
    /// <paramref name="outputFolder"/>, and touches nothing else (no shared store, no staging of live runs).
    /// </summary>
    public static RunArtifacts ForTest(string stateDirectory, string pipeline, DateOnly logicalDate, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        return new RunArtifacts(IntervalFolder(stateDirectory, pipeline, logicalDate), outputFolder, null, pipeline, logicalDate);
    }

    private static string IntervalFolder(string stateDirectory, string pipeline, DateOnly logicalDate) =>
        Path.Combine(stateDirectory, "artifacts", pipeline, logicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public string Root { get; }

    /// <summary>The shared store, or null when artifacts stay on this machine.</summary>
    public IArtifactStore? Remote => _remote;

    public string ReadPath(string dataset)
    {
        var path = Published(dataset);
        if (!File.Exists(path))
        {
            throw new SluiceException($"dataset '{dataset}' has no staged data at {path}; the task that writes it has not succeeded for this interval.");
        }

        return path;
    }

    public string WritePath(string dataset) => Path.Combine(_staging, dataset + ".parquet");

    /// <summary>The key of a dataset in the shared store: pipeline/date/dataset.parquet.</summary>
    public string RemoteKey(string dataset) => _remotePrefix + dataset + ".parquet";

    public bool Exists(string dataset) => File.Exists(Published(dataset));

    /// <summary>Published here, or (with a shared store) there.</summary>
    public async Task<bool> ExistsAnywhereAsync(string dataset, CancellationToken cancellationToken) =>
        Exists(dataset) || (_remote is not null && await _remote.ExistsAsync(RemoteKey(dataset), cancellationToken));

    /// <summary>Downloads inputs that another machine published and this one does not have.</summary>
    public async Task FetchAsync(IEnumerable<string> datasets, CancellationToken cancellationToken)
    {
        if (_remote is null)
        {
            return;
        }

        foreach (var dataset in datasets.Where(d => !Exists(d)))
        {
            // Into a private file first: a download cut short must never look like a published dataset.
            var partial = Path.Combine(_staging, $"{dataset}.{Guid.NewGuid():N}.download");
            try
            {
                if (await _remote.TryDownloadAsync(RemoteKey(dataset), partial, cancellationToken))
                {
                    File.Move(partial, Published(dataset), overwrite: true);
                }
            }
            finally
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>Uploads a task's staged outputs to the shared store; part of the task's attempt, so failures are retried.</summary>
    public async Task UploadStagedAsync(IEnumerable<string> datasets, CancellationToken cancellationToken)
    {
        if (_remote is null)
        {
            return;
        }

        foreach (var dataset in datasets.Where(d => File.Exists(WritePath(d))))
        {
            await _remote.UploadAsync(WritePath(dataset), RemoteKey(dataset), cancellationToken);
        }
    }

    /// <summary>Makes a task's staged outputs visible to downstream tasks.</summary>
    public void Publish(IEnumerable<string> datasets)
    {
        foreach (var dataset in datasets)
        {
            var staged = WritePath(dataset);
            if (File.Exists(staged))
            {
                File.Move(staged, Published(dataset), overwrite: true);
            }
        }
    }

    /// <summary>Removes a dataset published by an earlier run, for a task whose output is no longer staged (a fused read).</summary>
    public void Unpublish(string dataset) => File.Delete(Published(dataset));

    public void Discard(IEnumerable<string> datasets)
    {
        foreach (var dataset in datasets)
        {
            File.Delete(WritePath(dataset));
        }
    }

    /// <summary>Removes this run's staging folder; called when the run ends, whatever its outcome.</summary>
    public void RemoveStaging()
    {
        try
        {
            Directory.Delete(_staging, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void RemoveLeftovers()
    {
        var staging = Path.Combine(Root, StagingFolder);
        if (!Directory.Exists(staging))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(staging))
        {
            File.Delete(file);
        }

        foreach (var folder in Directory.EnumerateDirectories(staging))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Published(string dataset) => Path.Combine(Root, dataset + ".parquet");
}
