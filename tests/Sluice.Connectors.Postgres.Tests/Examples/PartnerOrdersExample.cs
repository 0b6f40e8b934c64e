using System.Globalization;
using Sluice.Cli;
using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Examples.PartnerApi;
using Sluice.Execution;
using Sluice.Yaml;

namespace Sluice.Connectors.Postgres.Tests.Examples;

/// <summary>
/// examples/partner-orders as run.sh sets it up, but on the test server: a seeded shop database, an
/// empty reporting database, the partner API hosted in-process from the example's own project, and
/// the environment variables its connections.yaml reads. Runs the example's pipeline file itself.
/// </summary>
internal sealed class PartnerOrdersExample : IAsyncDisposable
{
    public const string ReportTable = "reporting.partner_orders";

    // Process-wide, so the tests that use this class run one at a time (one xunit class).
    private static readonly string[] Variables =
    [
        "PARTNER_ORDERS_PG_HOST", "PARTNER_ORDERS_PG_PORT", "PARTNER_ORDERS_PG_USER", "PARTNER_ORDERS_PG_PASSWORD",
        "PARTNER_ORDERS_SHOP_DB", "PARTNER_ORDERS_REPORTING_DB", "PARTNER_API_PORT", "PARTNER_API_TOKEN",
    ];

    private readonly Microsoft.AspNetCore.Builder.WebApplication _api;
    private readonly string _state = Path.Combine(Path.GetTempPath(), "sluice-pg-tests", "partner-orders-" + Guid.NewGuid().ToString("N"));

    private PartnerOrdersExample(PgDatabase shop, PgDatabase reporting, Microsoft.AspNetCore.Builder.WebApplication api)
    {
        Shop = shop;
        Reporting = reporting;
        _api = api;
    }

    public PgDatabase Shop { get; }

    public PgDatabase Reporting { get; }

    public RunLog Log { get; } = new();

    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "examples", "partner-orders");

    public static string PipelineFile => Path.Combine(Folder, "partner_orders.yaml");

    /// <param name="failEvery">The API's 429 every Nth request; 0 keeps tests that are not about retries fast.</param>
    public static async Task<PartnerOrdersExample> StartAsync(int failEvery = 0)
    {
        var shop = await PgDatabase.CreateAsync();
        var reporting = await PgDatabase.CreateAsync();
        await shop.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(Folder, "seed.sql")));
        var token = Guid.NewGuid().ToString("N");
        var api = PartnerApiApp.Build(new PartnerApiSettings(token, Port: 0, FailEvery: failEvery));
        await api.StartAsync();
        var port = new Uri(api.Urls.Single()).Port;
        Set("PARTNER_ORDERS_PG_HOST", PgDatabase.Host);
        Set("PARTNER_ORDERS_PG_PORT", PgDatabase.Port.ToString(CultureInfo.InvariantCulture));
        Set("PARTNER_ORDERS_PG_USER", PgDatabase.User);
        Set("PARTNER_ORDERS_PG_PASSWORD", PgDatabase.Password);
        Set("PARTNER_ORDERS_SHOP_DB", shop.Name);
        Set("PARTNER_ORDERS_REPORTING_DB", reporting.Name);
        Set("PARTNER_API_PORT", port.ToString(CultureInfo.InvariantCulture));
        Set("PARTNER_API_TOKEN", token);
        return new PartnerOrdersExample(shop, reporting, api);
    }

    /// <summary>Runs the example's pipeline file for each day from <paramref name="from"/> to <paramref name="to"/>, as `sluice backfill` does.</summary>
    public async Task BackfillAsync(string from, string to)
    {
        var pipeline = PipelineYamlLoader.LoadFile(PipelineFile);
        await using var store = await SluiceHost.OpenStoreAsync(_state, CancellationToken.None);
        var runner = SluiceHost.Runner(SluiceHost.Catalog(), store, _state);
        for (var day = Day(from); day <= Day(to); day = day.AddDays(1))
        {
            var result = await runner.RunAsync(pipeline, new RunRequest { LogicalDate = day, Trigger = "backfill" }, Log);
            Assert.True(result.Succeeded, $"{day}: {result.Run.Error}");
        }
    }

    public Task RunAsync(string date) => BackfillAsync(date, date);

    public async ValueTask DisposeAsync()
    {
        foreach (var name in Variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        await _api.StopAsync();
        await _api.DisposeAsync();
        await Shop.DisposeAsync();
        await Reporting.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner takes it later.
        }
    }

    public static DateOnly Day(string date) => DateOnly.Parse(date, CultureInfo.InvariantCulture);

    private static void Set(string name, string value) => Environment.SetEnvironmentVariable(name, value);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Sluice.slnx above {AppContext.BaseDirectory}: the test runs the example files of the repository it was built from.");
    }
}
