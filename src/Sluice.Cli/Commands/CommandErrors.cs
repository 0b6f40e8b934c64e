using Sluice.Validation;

namespace Sluice.Cli.Commands;

/// <summary>
/// Turns failures into one clear message and an exit code. User errors never show a stack trace;
/// unexpected ones show it only with SLUICE_DEBUG=1.
/// </summary>
internal static class CommandErrors
{
    public const int Failed = 1;
    public const int Invalid = 2;
    public const int Internal = 70;

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (PipelineValidationException e)
        {
            Console.Error.WriteLine($"error: the pipeline is invalid ({e.Errors.Count} problem{(e.Errors.Count == 1 ? string.Empty : "s")}):");
            foreach (var error in e.Errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return Invalid;
        }
        catch (SluiceException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled.");
            return Interrupts.ExitCode;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("SLUICE_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }
            else
            {
                Console.Error.WriteLine("Set SLUICE_DEBUG=1 for the stack trace, and please report it.");
            }

            return Internal;
        }
    }
}
