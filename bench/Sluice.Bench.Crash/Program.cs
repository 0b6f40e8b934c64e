using Sluice.Bench.Crash;

// sluice-bench-crash: issue 12's crash trials. Kills backfills of the sales example with SIGKILL,
// SIGINT and SIGTERM, reruns them, and checks the outputs, the run history and the staging folders;
// then starts backfills in pairs and checks that each completes or is refused.
try
{
    return await CrashMain.RunAsync(CrashOptions.Parse(args));
}
catch (BenchException e)
{
    Console.Error.WriteLine($"sluice-bench-crash: {e.Message}");
    return 1;
}
