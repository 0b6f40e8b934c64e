using System.Net.Sockets;

namespace Sluice.Connectors;

/// <summary>
/// The short reason a connection to a server failed: the socket's own words or "timed out", found under
/// the driver's wrapping exceptions, so every "could not connect" message reads the same way.
/// </summary>
public static class NetworkFailure
{
    public static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.Message.TrimEnd('.');
            }

            if (inner is TimeoutException)
            {
                return "timed out";
            }
        }

        return e.Message.TrimEnd('.');
    }
}
