namespace Sluice;

/// <summary>
/// A failure that will happen again on every attempt (bad SQL, a malformed row, a schema that
/// drifted), so the executor fails the task at once instead of waiting through its retries.
/// </summary>
public class NonRetryableException(string message) : SluiceException(message);

/// <summary>The data itself is wrong: a malformed row, duplicate keys, a schema that drifted.</summary>
public sealed class BadDataException(string message) : NonRetryableException(message);
