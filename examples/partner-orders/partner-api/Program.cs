using Sluice.Examples.PartnerApi;

PartnerApiSettings settings;
try
{
    settings = PartnerApiSettings.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"partner-api: {e.Message}");
    Console.Error.WriteLine(PartnerApiSettings.Usage);
    return 2;
}

await using var app = PartnerApiApp.Build(settings);
await app.StartAsync();
Console.WriteLine($"partner-api: {ProductCatalog.Size} products on {app.Urls.Single()}/v1/products (429 every {settings.FailEvery} request(s); 0 = never)");
await app.WaitForShutdownAsync();
return 0;
