namespace Sluice.Engine.DuckDb;

/// <summary>
/// Resource limits for the in-process engine. A memory limit makes DuckDB spill to disk instead of
/// growing with the input, which is what keeps a 10 GB source from needing 10 GB of RAM.
/// </summary>
public sealed record DuckDbSettings
{
    /// <summary>DuckDB memory limit, for example <c>2GB</c>; from SLUICE_DUCKDB_MEMORY_LIMIT.</summary>
    public string MemoryLimit { get; init; } = Environment.GetEnvironmentVariable("SLUICE_DUCKDB_MEMORY_LIMIT") ?? "2GB";

    /// <summary>Worker threads; null lets DuckDB use every core.</summary>
    public int? Threads { get; init; } = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_DUCKDB_THREADS"), out var t) ? t : null;

    /// <summary>Where DuckDB spills when a query outgrows memory.</summary>
    public string TempDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "sluice-duckdb");

    /// <summary>
    /// Runs on every engine session as it opens, before any query: where a host registers its own
    /// DuckDB functions (C# row logic where SQL does not fit), usable in steps, SQL and checks.
    /// </summary>
    public Action<DuckDB.NET.Data.DuckDBConnection>? ConfigureSession { get; init; }

    public static DuckDbSettings Default { get; } = new();
}
