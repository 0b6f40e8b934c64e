using System.Globalization;

namespace Sluice.Artifacts;

/// <summary>
/// The staged datasets of one pipeline's data interval, as Parquet files in a local folder. Outputs are
/// written to a staging folder and published only when their task succeeds, so a downstream or
/// retried task never reads a half-written file, and a resumed run reads them instead of extracting again.
/// </summary>
public sealed class RunArtifacts
{
    private const string StagingFolder = "_staging";

    public RunArtifacts(string stateDirectory, string pipeline, DateOnly logicalDate)
    {
        Root = Path.Combine(stateDirectory, "artifacts", pipeline, logicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(Root, StagingFolder));
    }

    public string Root { get; }

    public string ReadPath(string dataset)
    {
        var path = Published(dataset);
        if (!File.Exists(path))
        {
            throw new SluiceException($"dataset '{dataset}' has no staged data at {path}; the task that writes it has not succeeded for this interval.");
        }

        return path;
    }

    public string WritePath(string dataset) => Path.Combine(Root, StagingFolder, dataset + ".parquet");

    public bool Exists(string dataset) => File.Exists(Published(dataset));

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

    public void Discard(IEnumerable<string> datasets)
    {
        foreach (var dataset in datasets)
        {
            File.Delete(WritePath(dataset));
        }
    }

    private string Published(string dataset) => Path.Combine(Root, dataset + ".parquet");
}
