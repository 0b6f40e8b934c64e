using Sluice.Bench;

// sluice-bench: issue #2's end-to-end benchmark. The parent process generates data, runs the
// Sluice CLI and the direct-DuckDB baseline as child processes, and reports; "--baseline" is the
// baseline child itself.
try
{
    return args is ["--baseline", ..]
        ? await BaselineMain.RunAsync(args[1..])
        : await BenchMain.RunAsync(BenchOptions.Parse(args));
}
catch (BenchException e)
{
    Console.Error.WriteLine($"sluice-bench: {e.Message}");
    return 1;
}
