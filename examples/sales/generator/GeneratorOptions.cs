using System.Globalization;

namespace Sluice.Examples.Sales;

/// <summary>Command-line settings, parsed by hand so the example needs no packages.</summary>
internal sealed class GeneratorOptions
{
    public const string Usage =
        "usage: sales-datagen --out DIR [--from 2024-03-01] [--days 3] [--orders-per-day 1000]\n" +
        "                     [--customers 200] [--products 50] [--seed 42] [--single-file PATH]";

    // Upper bounds keep ids fixed-width (C0001, P001) and keep the per-day sequence
    // inside the 10_000_000 block that makes order ids unique across days.
    private const int MaxCustomers = 9_999;
    private const int MaxProducts = 999;
    private const int MaxOrdersPerDay = 9_999_999;

    // seed * 1000 + dayIndex must not reach the catalog seeds of the next seed (see SeedFor).
    private const int MaxDays = 998;

    public string OutDir { get; private set; } = "";
    public DateOnly From { get; private set; } = new(2024, 3, 1);
    public int Days { get; private set; } = 3;
    public int OrdersPerDay { get; private set; } = 1_000;
    public int Customers { get; private set; } = 200;
    public int Products { get; private set; } = 50;
    public int Seed { get; private set; } = 42;
    public string? SingleFile { get; private set; }
    public bool ShowHelp { get; private set; }

    /// <summary>Returns the options, or throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new GeneratorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options.ShowHelp = true;
                return options;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"missing value for '{name}'");
            }

            var value = args[++i];
            switch (name)
            {
                case "--out": options.OutDir = value; break;
                case "--from": options.From = ParseDate(name, value); break;
                case "--days": options.Days = ParseInt(name, value, 1, MaxDays); break;
                case "--orders-per-day": options.OrdersPerDay = ParseInt(name, value, 1, MaxOrdersPerDay); break;
                case "--customers": options.Customers = ParseInt(name, value, 1, MaxCustomers); break;
                case "--products": options.Products = ParseInt(name, value, 1, MaxProducts); break;
                case "--seed": options.Seed = ParseInt(name, value, 0, 2_000_000); break;
                case "--single-file": options.SingleFile = value; break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        if (options.OutDir.Length == 0)
        {
            throw new ArgumentException("--out DIR is required");
        }

        return options;
    }

    /// <summary>
    /// One independent stream per purpose, so changing --days or --orders-per-day never changes
    /// the catalogs, and day N is identical whether or not other days are generated.
    /// Catalogs use negative offsets so they cannot collide with a day index of the same seed.
    /// </summary>
    public int SeedFor(int dayIndex) => Seed * 1000 + dayIndex;

    public int CustomerSeed => Seed * 1000 - 1;

    public int ProductSeed => Seed * 1000 - 2;

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            || result < min || result > max)
        {
            throw new ArgumentException($"{name} must be an integer between {min} and {max}, got '{value}'");
        }

        return result;
    }

    private static DateOnly ParseDate(string name, string value)
    {
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ArgumentException($"{name} must be a date like 2024-03-01, got '{value}'");
        }

        return date;
    }
}
