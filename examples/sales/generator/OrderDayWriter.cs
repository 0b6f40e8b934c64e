using System.Globalization;
using System.Text;

namespace Sluice.Examples.Sales;

/// <summary>
/// Streams one day of raw orders line by line. Nothing is kept in memory beyond a small ring of
/// recent lines, which is where exact duplicates are re-emitted from (close by, not always adjacent,
/// as a retried export batch would produce).
/// </summary>
internal sealed class OrderDayWriter(IReadOnlyList<Customer> customers, IReadOnlyList<Product> products)
{
    public const string Header = "order_id,order_ts,customer_id,customer_email,product_id,category,quantity,amount";

    // Rates in per mille of rows (duplicates) or of new orders (everything else).
    public const int DuplicatePerMille = 30;
    public const int MissingAmountPerMille = 20;
    public const int OutlierPerMille = 5;
    public const int CategoryVariantPerMille = 300;
    public const int MessyEmailPerMille = 200;

    // Ids are day-blocked so they stay unique across days without any shared state,
    // which is what lets each day be generated from its own seed.
    private const long OrderIdBlock = 10_000_000;
    private const int SecondsPerDay = 86_400;

    // Real baskets are mostly single items: 1 => 50%, 2 => 25%, 3 => 12%, 4 => 8%, 5 => 5%.
    private static readonly int[] QuantityCumulativePercent = [50, 75, 87, 95, 100];

    private readonly string[] _recent = new string[16];
    private readonly StringBuilder _line = new(128);

    /// <summary>Writes <paramref name="rows"/> data lines (duplicates included) for one day; no header.</summary>
    public void WriteDay(TextWriter writer, DateOnly day, int dayIndex, int rows, Random random, OrderStats stats)
    {
        var datePrefix = day.ToString("yyyy-MM-dd ", CultureInfo.InvariantCulture);
        var slotSeconds = Math.Max(1, SecondsPerDay / rows);
        var recentCount = 0;
        var sequence = 0;

        for (var row = 0; row < rows; row++)
        {
            string line;
            if (recentCount > 0 && random.Next(1000) < DuplicatePerMille)
            {
                line = _recent[random.Next(Math.Min(recentCount, _recent.Length))];
                stats.Duplicates++;
            }
            else
            {
                // Timestamps rise through the day like an export sorted by time; the jitter
                // keeps them from looking machine-spaced.
                var second = (int)((long)row * SecondsPerDay / rows) + random.Next(slotSeconds);
                var orderId = (dayIndex + 1) * OrderIdBlock + ++sequence;
                line = NewOrder(orderId, datePrefix, Math.Min(second, SecondsPerDay - 1), random, stats);
                _recent[recentCount++ % _recent.Length] = line;
            }

            writer.WriteLine(line);
            stats.Rows++;
        }
    }

    private string NewOrder(long orderId, string datePrefix, int second, Random random, OrderStats stats)
    {
        // min of two draws skews towards low ids: a few customers and products dominate, as in real shops.
        var customer = customers[Math.Min(random.Next(customers.Count), random.Next(customers.Count))];
        var product = products[Math.Min(random.Next(products.Count), random.Next(products.Count))];
        var quantity = Quantity(random);

        var email = customer.Email;
        if (random.Next(1000) < MessyEmailPerMille)
        {
            email = MessUpEmail(email, random);
            stats.MessyEmails++;
        }

        var category = product.Category;
        if (random.Next(1000) < CategoryVariantPerMille)
        {
            category = Categories.Variant(product.CategoryIndex, random);
            stats.CategoryVariants++;
        }

        var amountText = "";
        var kind = random.Next(1000);
        if (kind < MissingAmountPerMille)
        {
            stats.MissingAmounts++;
        }
        else
        {
            var amount = quantity * product.UnitPrice;
            if (kind < MissingAmountPerMille + OutlierPerMille)
            {
                // A fat-fingered or cents-as-units amount; integer factor keeps it exact to the cent.
                amount *= random.Next(100, 1001);
                stats.Outliers++;
            }

            amountText = amount.ToString("0.00", CultureInfo.InvariantCulture);
        }

        var s = _line.Clear();
        s.Append(orderId).Append(',').Append(datePrefix);
        AppendTime(s, second);
        s.Append(',').Append(customer.Id)
            .Append(',').Append(CsvText.Field(email))
            .Append(',').Append(product.Id)
            .Append(',').Append(CsvText.Field(category))
            .Append(',').Append(quantity)
            .Append(',').Append(amountText);
        return s.ToString();
    }

    private static int Quantity(Random random)
    {
        var roll = random.Next(100);
        var quantity = 1;
        while (roll >= QuantityCumulativePercent[quantity - 1])
        {
            quantity++;
        }

        return quantity;
    }

    /// <summary>Spaces and/or case changes only, so trim + lower-case always recovers the clean email.</summary>
    private static string MessUpEmail(string email, Random random)
    {
        var kind = random.Next(3); // 0 = spaces, 1 = case, 2 = both
        if (kind != 0)
        {
            email = random.Next(2) == 0 ? email.ToUpperInvariant() : CapitaliseParts(email);
        }

        if (kind != 1)
        {
            var pad = new string(' ', random.Next(1, 3));
            email = random.Next(3) switch
            {
                0 => pad + email,
                1 => email + pad,
                _ => pad + email + pad,
            };
        }

        return email;
    }

    // "anna.rossi@mail.test" -> "Anna.Rossi@Mail.Test": how people type their address into forms.
    private static string CapitaliseParts(string email)
    {
        var chars = email.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || chars[i - 1] is '.' or '@')
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    private static void AppendTime(StringBuilder s, int second)
    {
        AppendTwoDigits(s, second / 3600).Append(':');
        AppendTwoDigits(s, second / 60 % 60).Append(':');
        AppendTwoDigits(s, second % 60);
    }

    private static StringBuilder AppendTwoDigits(StringBuilder s, int value) =>
        s.Append((char)('0' + value / 10)).Append((char)('0' + value % 10));
}
