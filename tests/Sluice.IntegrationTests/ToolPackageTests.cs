using System.Diagnostics;
using System.IO.Compression;

namespace Sluice.IntegrationTests;

/// <summary>The packed <c>sluice</c> tool as NuGet sees it.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "sluice-tests", "pack-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_packed_tool_carries_the_readme_and_packs_without_a_readme_warning()
    {
        var repository = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repository };
        foreach (var argument in new[] { "pack", Path.Combine("src", "Sluice.Cli", "Sluice.Cli.csproj"), "-c", configuration, "--no-build", "-o", _output })
        {
            start.ArgumentList.Add(argument);
        }

        using var pack = Process.Start(start)!;
        var output = pack.StandardOutput.ReadToEndAsync();
        var error = pack.StandardError.ReadToEndAsync();
        await pack.WaitForExitAsync();
        var log = await output + await error;

        Assert.True(pack.ExitCode == 0, log);
        Assert.DoesNotContain("readme", log, StringComparison.OrdinalIgnoreCase);
        using var package = ZipFile.OpenRead(Directory.GetFiles(_output, "Sluice.Cli.*.nupkg").Single());
        Assert.Contains(package.Entries, e => e.FullName == "README.md");
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

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
