namespace Sluice.Connectors.Parquet;

/// <summary>
/// Moves freshly written partition folders from a staging folder into the lake. Each partition is
/// swapped whole by two renames, so a reader sees the old files or the new ones, never a mix or a
/// half-written file.
/// </summary>
internal sealed class PartitionSwap(string root, string staging)
{
    /// <summary>A hidden folder beside <paramref name="folder"/>, on the same file system so renames are atomic.</summary>
    public static string SiblingPath(string folder, string purpose)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{purpose}-{Guid.NewGuid():N}");
    }

    public int Publish(string mode, DateOnly logicalDate)
    {
        if (!Directory.Exists(staging))
        {
            return 0;
        }

        if (mode == "replace")
        {
            Swap(staging, root);
            return 1;
        }

        var leaves = Directory.EnumerateFiles(staging, "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staging, Path.GetDirectoryName(f)!))
            .Distinct()
            .ToList();
        foreach (var leaf in leaves)
        {
            var source = Path.Combine(staging, leaf);
            var target = Path.Combine(root, leaf);
            if (mode == "append")
            {
                Directory.CreateDirectory(target);
                foreach (var file in Directory.EnumerateFiles(source))
                {
                    File.Move(file, Path.Combine(target, $"{logicalDate:yyyyMMdd}-{Guid.NewGuid():N}-{Path.GetFileName(file)}"));
                }
            }
            else
            {
                Swap(source, target);
            }
        }

        return leaves.Count;
    }

    private void Swap(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar))!);
        var old = SiblingPath(root, "old");
        if (Directory.Exists(target))
        {
            Directory.Move(target, old);
        }

        Directory.Move(source, target);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }
}
