namespace Sluice;

/// <summary>
/// An error the user can cause and fix (bad input, bad configuration, unreachable server). The CLI
/// prints its message alone, without a stack trace, so the message must say where and what to do.
/// </summary>
public class SluiceException : Exception
{
    public SluiceException(string message)
        : base(message)
    {
    }

    public SluiceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
