namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Which metadata store a test shared by both stores runs against (also linked into Sluice.Hosting.Tests).</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}
