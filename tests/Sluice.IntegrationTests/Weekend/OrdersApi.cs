using System.Globalization;
using System.Net;
using System.Text;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Weekend;

/// <summary>How the orders API answers from <see cref="OrdersApi.ChangeFrom"/> on.</summary>
public enum WeekendChange
{
    /// <summary>The same format every day.</summary>
    None,

    /// <summary><c>amount</c> becomes <c>total: { amount, currency }</c>.</summary>
    RenamedAndNested,

    /// <summary>No orders at all.</summary>
    NoOrders,

    /// <summary>Every order's amount is 0.</summary>
    ZeroAmounts,
}

/// <summary>
/// The partner's orders API of the product story, on loopback: <c>GET /orders?day=YYYY-MM-DD</c>.
/// Weekends are busier than weekdays. From <see cref="ChangeFrom"/> its answers change as
/// <see cref="Change"/> says; <see cref="Change"/> can be reset when the partner "fixes" nothing
/// but the pipeline adapts.
/// </summary>
internal sealed class OrdersApi : IDisposable
{
    private readonly HttpListener _listener = new();

    public OrdersApi(DateOnly changeFrom, WeekendChange change)
    {
        ChangeFrom = changeFrom;
        Change = change;
        Port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/orders";

    public DateOnly ChangeFrom { get; }

    public WeekendChange Change { get; }

    /// <summary>Orders of a day: about 40 on weekdays, 120 on Saturdays and 90 on Sundays.</summary>
    public static int OrderCount(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => 118 + (day.DayNumber % 5),
        DayOfWeek.Sunday => 88 + (day.DayNumber % 4),
        _ => 38 + (day.DayNumber % 6),
    };

    /// <summary>An order's amount in cents, the same whatever the format.</summary>
    public static long AmountCents(DateOnly day, int order) => 500 + ((day.DayNumber + (order * 37)) % 9000);

    /// <summary>The day's revenue as the partner meant it, in the unchanged format.</summary>
    public static decimal Revenue(DateOnly day) =>
        Enumerable.Range(1, OrderCount(day)).Sum(i => AmountCents(day, i)) / 100m;

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var body = DateOnly.TryParseExact(context.Request.QueryString["day"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? Encoding.UTF8.GetBytes(Orders(day))
                : [];
            context.Response.StatusCode = body.Length == 0 ? 400 : 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private string Orders(DateOnly day)
    {
        var change = day >= ChangeFrom ? Change : WeekendChange.None;
        var orders = new StringBuilder("{\"orders\": [");
        var count = change == WeekendChange.NoOrders ? 0 : OrderCount(day);
        for (var i = 1; i <= count; i++)
        {
            var id = (day.DayNumber * 1000L) + i;
            var amount = change == WeekendChange.ZeroAmounts ? "0.00" : (AmountCents(day, i) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            orders.Append(i > 1 ? "," : string.Empty);
            orders.Append(change == WeekendChange.RenamedAndNested
                ? $"{{\"order_id\": {id}, \"total\": {{\"amount\": {amount}, \"currency\": \"EUR\"}}, \"status\": \"paid\"}}"
                : $"{{\"order_id\": {id}, \"amount\": {amount}, \"status\": \"paid\"}}");
        }

        return orders.Append("]}").ToString();
    }
}
