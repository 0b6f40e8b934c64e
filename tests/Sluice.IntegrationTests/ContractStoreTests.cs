using Microsoft.Data.Sqlite;
using Sluice.Contracts;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>Each store's side of dataset contracts: versions added only over the version the writer saw, observations newest first.</summary>
public abstract class ContractStoreTests : IAsyncLifetime
{
    private readonly List<IMetadataStore> _opened = [];

    /// <summary>Another connection to the test's store, as another process would have.</summary>
    protected abstract Task<IMetadataStore> OpenStoreAsync();

    protected abstract Task DropAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DropAsync();
    }

    private async Task<IContractStore> OpenAsync()
    {
        var store = await OpenStoreAsync();
        lock (_opened)
        {
            _opened.Add(store);
        }

        return (IContractStore)store;
    }

    private static ContractVersion Version(params string[] columns) => new()
    {
        Pipeline = "shop",
        Dataset = "raw",
        Columns = columns.Select(c => new ColumnDefinition(c.Split(' ')[0], c.Split(' ')[1])).ToList(),
        Origin = ContractOrigins.Inferred,
        CreatedAt = DateTimeOffset.UtcNow,
        RunId = 1,
        LogicalDate = new DateOnly(2024, 3, 1),
    };

    [Fact]
    public async Task A_version_is_added_only_over_the_current_one_the_writer_saw()
    {
        var store = await OpenAsync();

        var first = await store.AddContractVersionAsync(Version("id BIGINT"), 0, CancellationToken.None);
        var raced = await store.AddContractVersionAsync(Version("id BIGINT"), 0, CancellationToken.None);
        var second = await store.AddContractVersionAsync(Version("id BIGINT", "coupon VARCHAR") with { Origin = ContractOrigins.Evolved, Change = "new column 'coupon' (VARCHAR)" }, 1, CancellationToken.None);

        Assert.Equal(1, first!.Version);
        Assert.Null(raced);
        Assert.Equal(2, second!.Version);
        var current = await store.CurrentContractAsync("shop", "raw", CancellationToken.None);
        Assert.Equal(["id BIGINT", "coupon VARCHAR"], current!.Columns.Select(c => $"{c.Name} {c.Type}"));
        Assert.Equal("new column 'coupon' (VARCHAR)", current.Change);
        Assert.Equal([1, 2], (await store.ContractVersionsAsync("shop", null, CancellationToken.None)).Select(v => v.Version));
        Assert.Null(await store.CurrentContractAsync("shop", "other", CancellationToken.None));
    }

    [Fact]
    public async Task Writers_in_several_processes_racing_over_the_same_version_record_it_once()
    {
        var stores = new List<IContractStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await OpenAsync());
        }

        var added = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => stores[i % 4].AddContractVersionAsync(Version("id BIGINT"), 0, CancellationToken.None))));

        Assert.Equal(1, Assert.Single(added.OfType<ContractVersion>()).Version);
        Assert.Single(await stores[0].ContractVersionsAsync("shop", "raw", CancellationToken.None));
    }

    [Fact]
    public async Task Observations_come_back_newest_first_with_their_null_counts()
    {
        var store = await OpenAsync();
        for (var day = 1; day <= 3; day++)
        {
            await store.RecordObservationAsync(
                new ContractObservation
                {
                    Pipeline = "shop",
                    Dataset = "raw",
                    TaskId = "extract",
                    RunId = day,
                    LogicalDate = new DateOnly(2024, 3, day),
                    ObservedAt = DateTimeOffset.UtcNow,
                    Rows = 10 * day,
                    Columns = [new ObservedColumn("amount", "DOUBLE", day)],
                    Drifted = day == 3,
                },
                CancellationToken.None);
        }

        var recent = await store.RecentObservationsAsync("shop", "raw", 2, CancellationToken.None);

        Assert.Equal([3L, 2L], recent.Select(o => o.RunId));
        Assert.True(recent[0].Drifted);
        Assert.Equal(30, recent[0].Rows);
        Assert.Equal(new ObservedColumn("amount", "DOUBLE", 3), recent[0].Columns.Single());
    }
}

public sealed class SqliteContractStoreTests : ContractStoreTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sluice-contracts-");

    protected override async Task<IMetadataStore> OpenStoreAsync() => await SqliteMetadataStore.OpenAsync(Path.Combine(_folder.FullName, "sluice.db"));

    protected override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresContractStoreTests : ContractStoreTests
{
    private readonly PgMetadataSchema _schema = new();

    protected override async Task<IMetadataStore> OpenStoreAsync() => await _schema.OpenAsync();

    protected override async Task DropAsync() => await _schema.DisposeAsync();
}
