using System.Diagnostics;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Runs the real <c>sluice</c> CLI as a child process, as a user would.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static async Task<Result> RunAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments);
        return await WaitAsync(process);
    }

    /// <summary>Starts the CLI without waiting, for tests that signal or race it.</summary>
    public static Process Start(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sluice.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    public static async Task<Result> WaitAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
