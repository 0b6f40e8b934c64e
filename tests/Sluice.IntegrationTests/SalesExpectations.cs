using System.Globalization;

namespace Sluice.IntegrationTests;

/// <summary>
/// The sales example's cleaning rules, re-implemented in plain C# over the raw CSV files, so the
/// warehouse numbers are checked against an independent calculation rather than against themselves.
/// </summary>
internal static class SalesExpectations
{
    public sealed record Day(decimal Revenue, long Orders, long Customers, int Filled, int Corrected);

    public static Day For(string salesFolder, string date)
    {
        var prices = File.ReadLines(Path.Combine(salesFolder, "data", "products.csv")).Skip(1)
            .Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => decimal.Parse(f[3], CultureInfo.InvariantCulture));
        var seen = new HashSet<long>();
        var customers = new HashSet<string>();
        decimal revenue = 0;
        int filled = 0, corrected = 0;
        foreach (var line in File.ReadLines(Path.Combine(salesFolder, "data", "orders", $"orders_{date}.csv")).Skip(1))
        {
            var f = line.Split(',');
            if (!seen.Add(long.Parse(f[0], CultureInfo.InvariantCulture)))
            {
                continue;
            }

            var list = int.Parse(f[6], CultureInfo.InvariantCulture) * prices[f[4]];
            decimal amount;
            if (f[7].Length == 0)
            {
                amount = list;
                filled++;
            }
            else if (decimal.Parse(f[7], CultureInfo.InvariantCulture) > list * 5)
            {
                amount = list;
                corrected++;
            }
            else
            {
                amount = decimal.Parse(f[7], CultureInfo.InvariantCulture);
            }

            revenue += amount;
            customers.Add(f[2]);
        }

        return new Day(revenue, seen.Count, customers.Count, filled, corrected);
    }
}
