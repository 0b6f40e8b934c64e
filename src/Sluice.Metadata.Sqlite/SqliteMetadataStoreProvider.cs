using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>The default store: one SQLite file, normally <c>&lt;state folder&gt;/sluice.db</c>.</summary>
public sealed class SqliteMetadataStoreProvider(string path) : IMetadataStoreProvider
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Description => $"SQLite at {Path}";

    /// <summary>False until something was recorded: reading commands must not create an empty history.</summary>
    public bool Exists => File.Exists(Path);

    public async Task<IMetadataStore> OpenAsync(TimeProvider time, CancellationToken cancellationToken) =>
        await SqliteMetadataStore.OpenAsync(Path, cancellationToken, time);
}
