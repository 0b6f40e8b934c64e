namespace Sluice.State;

/// <summary>
/// The metadata store cannot be reached (its server is down, restarting or the address is wrong). A
/// scheduler waits and tries again; a CLI command reports the message, which names the server and
/// never its password.
/// </summary>
public sealed class MetadataStoreUnavailableException(string message, Exception inner) : SluiceException(message, inner);
