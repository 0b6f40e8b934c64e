namespace Sluice.Connectors.Parquet;

/// <summary>
/// Moves freshly written partition folders from a staging folder into the lake. Each partition is
/// swapped whole by two renames, so a reader sees the old files or the new ones, never a mix or a
/// half-written file.
/// </summary>
internal sealed class PartitionSwap(string root, string staging)
{
    /// <summary>
    /// A hidden folder beside <paramref name="folder"/>, on the same file system so renames are atomic.
    /// Its name carries this process's id, so a later writer can tell a dead writer's leftovers from a
    /// live writer's work (see <see cref="RemoveLeftovers"/>).
    /// </summary>
    public static string SiblingPath(string folder, string purpose)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Removes the staging and swap folders that writers of <paramref name="folder"/> left when they were
    /// killed or cancelled mid-write: those whose process is gone. Folders of live processes (another
    /// interval being written right now) are left alone. Returns how many were removed.
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            return 0;
        }

        var removed = 0;
        foreach (var leftover in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(full)}.*-*"))
        {
            var parts = Path.GetFileName(leftover).Split('-');
            var dead = parts.Length < 3 || !int.TryParse(parts[^2], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var pid) || !IsAlive(pid);
            if (dead)
            {
                try
                {
                    Directory.Delete(leftover, recursive: true);
                    removed++;
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return removed;
    }

    // Another task of this process may be writing another interval of the same dataset now.
    private static bool IsAlive(int pid) => pid == Environment.ProcessId || State.RunLiveness.ProcessIsAlive(pid);

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
