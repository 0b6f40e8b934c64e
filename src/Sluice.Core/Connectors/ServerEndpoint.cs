namespace Sluice.Connectors;

/// <summary>
/// Where a database connection points, for messages: never the password. The connectors of database
/// servers (PostgreSQL, MySQL...) describe their connections with it, so a refused or unreachable
/// server reads the same way whichever driver failed.
/// </summary>
/// <param name="Kind">The connection type as users write it, e.g. <c>postgres</c>.</param>
public sealed record ServerEndpoint(string Kind, string Name, string Host, int Port, string Database, string Username)
{
    public override string ToString() => $"connection '{Name}' ({Kind} at {Host}:{Port}, database '{Database}', user '{Username}')";

    /// <summary>How to give this connection's password without writing it in a file.</summary>
    public string PasswordHint => $"set it as ${{VAR}}, e.g. SLUICE_CONNECTION__{Name.ToUpperInvariant()}__PASSWORD";

    /// <summary>
    /// The server answered and said no. With a <paramref name="check"/> the refusal is the user's to fix
    /// and retrying cannot help; without one (too many connections, starting up) the attempt may be retried.
    /// </summary>
    public SluiceException Refused(string serverMessage, string code, string? check, TaskContext context)
    {
        var message = $"{this}: the server refused the connection: {serverMessage.TrimEnd('.')} ({code}).";
        return check is null ? new SluiceException($"{message} {RetryNote.For(context)}") : new NonRetryableException($"{message} {check}");
    }

    /// <summary>
    /// Nothing answered. Transient (the server may be restarting), so the attempt stays retryable.
    /// </summary>
    /// <param name="listening">What makes the server listen on that address, e.g. <c>listen_addresses</c>.</param>
    public SluiceException Unreachable(Exception e, string product, string listening) => new(
        $"{this}: could not connect to {Host}:{Port}: {NetworkFailure.Reason(e)}. " +
        $"Check that {product} is running and listening there ({listening}, port, firewall) and that the connection's host and port are right.");
}
