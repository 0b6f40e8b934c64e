using System.Globalization;

namespace Sluice.Examples.Sales;

internal sealed record Customer(string Id, string Name, string Email, string City, string Country, DateOnly SignupDate);

/// <summary>Builds the clean customer dimension that orders refer to.</summary>
internal static class CustomerCatalog
{
    public const string Header = "customer_id,name,email,city,country,signup_date";

    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Carla", "David", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas",
        "Kai", "Laura", "Marco", "Nina", "Oskar", "Paula", "Quentin", "Rosa", "Sven", "Tara",
        "Umar", "Vera", "Wim", "Yara", "Zoe", "Liam", "Mia", "Noah", "Olivia", "Lucas",
    ];

    // Includes an apostrophe on purpose: legal in names, harmless in CSV, awkward in SQL.
    private static readonly string[] LastNames =
    [
        "Schmidt", "Rossi", "Garcia", "Dubois", "Jansen", "Novak", "Kowalski", "Larsen", "Silva", "Murphy",
        "O'Brien", "Meyer", "Bianchi", "Lopez", "Martin", "Visser", "Horvat", "Nielsen", "Costa", "Walsh",
    ];

    private static readonly string[] Domains = ["example.com", "mail.test", "inbox.example", "post.test"];

    private static readonly (string City, string Country)[] Places =
    [
        ("Berlin", "Germany"), ("Munich", "Germany"), ("Hamburg", "Germany"),
        ("Paris", "France"), ("Lyon", "France"),
        ("Madrid", "Spain"), ("Barcelona", "Spain"),
        ("Rome", "Italy"), ("Milan", "Italy"),
        ("Amsterdam", "Netherlands"), ("Rotterdam", "Netherlands"),
        ("Warsaw", "Poland"), ("Dublin", "Ireland"), ("Lisbon", "Portugal"),
        ("Copenhagen", "Denmark"), ("Vienna", "Austria"), ("Zagreb", "Croatia"),
    ];

    public static List<Customer> Build(int count, DateOnly from, Random random)
    {
        var customers = new List<Customer>(count);
        var emails = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= count; i++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var (city, country) = Places[random.Next(Places.Length)];

            // Signups span the three years before the first order day, so every customer
            // already exists when their orders appear.
            var signup = from.AddDays(-1 - random.Next(3 * 365));

            customers.Add(new Customer(
                "C" + i.ToString("D4", CultureInfo.InvariantCulture),
                first + " " + last,
                UniqueEmail(first, last, Domains[random.Next(Domains.Length)], emails),
                city,
                country,
                signup));
        }

        return customers;
    }

    public static void Write(string path, IEnumerable<Customer> customers)
    {
        using var writer = CsvText.Create(path);
        writer.WriteLine(Header);
        foreach (var c in customers)
        {
            writer.Write(c.Id);
            writer.Write(',');
            writer.Write(CsvText.Field(c.Name));
            writer.Write(',');
            writer.Write(CsvText.Field(c.Email));
            writer.Write(',');
            writer.Write(CsvText.Field(c.City));
            writer.Write(',');
            writer.Write(CsvText.Field(c.Country));
            writer.Write(',');
            writer.WriteLine(c.SignupDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Emails must be unique so that a cleaned order email identifies exactly one customer;
    /// namesakes get a numeric suffix the way real mail providers hand them out.
    /// </summary>
    private static string UniqueEmail(string first, string last, string domain, HashSet<string> taken)
    {
        var local = (first + "." + last.Replace("'", "", StringComparison.Ordinal)).ToLowerInvariant();
        var email = local + "@" + domain;
        for (var n = 2; !taken.Add(email); n++)
        {
            email = local + n.ToString(CultureInfo.InvariantCulture) + "@" + domain;
        }

        return email;
    }
}
