using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sluice.IntegrationTests;

/// <summary>
/// docs/csharp-builder.md as a user follows it: pack the libraries into a local feed, add them to a
/// new console project with <c>dotnet add package</c> (offline, that feed only), paste the page's C#
/// blocks into Program.cs, build, and run it from two folders; then break one option and see the
/// printed error and exit code.
/// </summary>
public sealed partial class CSharpDocsTests : IDisposable
{
    private static readonly string[] Packages = ["Sluice.Core", "Sluice.Engine.DuckDb", "Sluice.Metadata.Sqlite", "Sluice.Hosting", "Sluice.Connectors.Files", "Sluice.Connectors.DuckDb", "Sluice.Connectors.Parquet"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-tests", "csharp-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_pages_csharp_blocks_build_against_the_packed_libraries_run_from_any_folder_and_report_a_bad_option_at_its_line()
    {
        var repository = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var page = File.ReadAllText(Path.Combine(repository, "docs", "csharp-builder.md"));
        var blocks = CSharpBlock().Matches(page).Select(m => m.Groups["code"].Value).ToList();
        var example = File.ReadAllText(Path.Combine(repository, "docs", "examples", "csharp", "MiniSales.cs"));
        Assert.All(blocks, block => Assert.Contains(block, example, StringComparison.Ordinal));

        // A version no earlier test run used, so NuGet's caches cannot hand back an older build.
        var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var feed = Path.Combine(_root, "feed");
        foreach (var package in Packages)
        {
            await DotnetAsync(repository, "pack", Path.Combine("src", package), "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
        }

        var app = Path.Combine(_root, "docs", "examples", "app");
        Directory.CreateDirectory(app);
        var orders = Path.Combine(_root, "examples", "sales", "data", "orders");
        Directory.CreateDirectory(orders);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "examples", "sales", "data", "orders", "orders_2024-03-01.csv"), Path.Combine(orders, "orders_2024-03-01.csv"));
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(_root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" /></config>
              <packageSources><clear /><add key="sluice" value="{feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="user" value="{userPackages}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        foreach (var package in new[] { "Sluice.Hosting", "Sluice.Connectors.Files", "Sluice.Connectors.DuckDb", "Sluice.Connectors.Parquet" })
        {
            await DotnetAsync(app, "add", "package", package, "--version", version, "--no-restore");
        }

        var program = Path.Combine(app, "Program.cs");
        File.WriteAllText(program, string.Join("\n", blocks));
        await DotnetAsync(app, "build", "-c", "Release", "-o", Path.Combine(app, "out"));

        var elsewhere = Path.Combine(_root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        var state = new Dictionary<string, string> { ["SLUICE_STATE_DIR"] = Path.Combine(_root, "state") };
        var fromApp = await RunAsync(app, state);
        var fromElsewhere = await RunAsync(elsewhere, state);

        Assert.True(fromApp.ExitCode == 0, fromApp.Output + fromApp.Error);
        Assert.Contains("run 1 of mini_sales for 2024-03-01 succeeded: 3 tasks, 1002 rows written.", fromApp.Output, StringComparison.Ordinal);
        Assert.True(fromElsewhere.ExitCode == 0, fromElsewhere.Output + fromElsewhere.Error);
        Assert.Contains("run 2 of mini_sales for 2024-03-01 succeeded: 3 tasks, 1002 rows written.", fromElsewhere.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "docs", "examples", "out", "mini.duckdb")));
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "out")));

        File.WriteAllText(program, File.ReadAllText(program).Replace(".With(\"mode\", \"upsert\")", ".With(\"mdoe\", \"upsert\")", StringComparison.Ordinal));
        await DotnetAsync(app, "build", "-c", "Release", "--no-restore", "-o", Path.Combine(app, "out"));
        var invalid = await RunAsync(elsewhere, state);

        var lines = File.ReadAllLines(program);
        var line = Array.FindIndex(lines, l => l.Contains("\"mdoe\"", StringComparison.Ordinal)) + 1;
        var column = lines[line - 1].IndexOf("\"mdoe\"", StringComparison.Ordinal) + 1;
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("error: the pipeline is invalid (1 problem):", invalid.Error, StringComparison.Ordinal);
        Assert.Contains($"{program}:{line}:{column}: task 'load_daily_revenue': unknown option 'mdoe'", invalid.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", invalid.Error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string folder, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_root, "docs", "examples", "app", "out", "app.dll"));
        start.ArgumentList.Add("2024-03-01");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static async Task DotnetAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{await output}{await error}");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Sluice.slnx) is not above the test output.");
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
