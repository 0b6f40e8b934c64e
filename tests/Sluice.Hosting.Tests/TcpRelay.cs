using System.Net;
using System.Net.Sockets;

namespace Sluice.Hosting.Tests;

/// <summary>
/// A loopback TCP relay to a real server that a test can cut (every connection dropped, new ones
/// refused, as when a database restarts or the network fails) and resume on the same port.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<TcpClient> _open = [];
    private TcpListener _listener;
    private CancellationTokenSource _cut = new();

    public TcpRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _cut.Token);
    }

    public int Port { get; }

    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
            _open.Clear();
        }
    }

    public void Resume()
    {
        _cut = new CancellationTokenSource();
        _listener = Listen(Port);
        _ = AcceptAsync(_listener, _cut.Token);
    }

    public void Dispose()
    {
        Cut();
        _cut.Dispose();
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        try
        {
            while (!cut.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cut);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(_targetHost, _targetPort, cut);
                lock (_open)
                {
                    _open.Add(client);
                    _open.Add(upstream);
                }

                _ = PumpAsync(client, upstream, cut);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut.
        }
    }

    private static async Task PumpAsync(TcpClient client, TcpClient upstream, CancellationToken cut)
    {
        try
        {
            await Task.WhenAny(client.GetStream().CopyToAsync(upstream.GetStream(), cut), upstream.GetStream().CopyToAsync(client.GetStream(), cut));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}
