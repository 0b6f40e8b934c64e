using System.Text;

namespace Sluice.IntegrationTests.CsvFuzz;

/// <summary>
/// Generates CSV files (columns a, b, c) that fight back, from a seed: quoted fields with commas,
/// doubled quotes and line breaks, BOMs, mixed line ends, blank lines, unicode and very long fields,
/// and then, in most files, one or two damages: an unbalanced quote, text after a closing quote, a
/// NUL byte, a Latin-1 byte, a lone CR, a ragged row.
/// </summary>
internal static class HostileCsv
{
    private static readonly string[] Pieces = ["x", "hello world", "a,b", "say \"hi\"", "line1\nline2", "crlf\r\nin quotes", "Zürich", "日本語", "emoji 😀", " padded ", "'single'", "tab\tsep", "\\back\\slash", "1.5", "-0", "NULL"];

    public static (string Name, byte[] Data) Generate(int seed)
    {
        var random = new Random(seed);
        var rows = new List<string> { "a,b,c" };
        for (var r = random.Next(1, 12); r > 0; r--)
        {
            rows.Add(string.Join(',', Enumerable.Range(0, 3).Select(_ => Field(random))));
        }

        var damages = new List<string>();
        var damageCount = random.Next(0, 3); // a third of the files stay valid
        for (var d = 0; d < damageCount; d++)
        {
            var row = random.Next(1, rows.Count);
            switch (random.Next(6))
            {
                case 0:
                    rows[row] = rows[row].Insert(random.Next(rows[row].Length + 1), "\"");
                    damages.Add("quote");
                    break;
                case 1:
                    rows[row] += random.Next(2) == 0 ? ",extra" : string.Empty;
                    rows[row] = random.Next(2) == 0 ? rows[row] : string.Join(',', rows[row].Split(',').Take(2));
                    damages.Add("ragged");
                    break;
                case 2:
                    rows[row] = rows[row].Insert(random.Next(rows[row].Length + 1), "\0");
                    damages.Add("nul");
                    break;
                case 3:
                    rows[row] = rows[row].Insert(random.Next(rows[row].Length + 1), "\r");
                    damages.Add("cr");
                    break;
                case 4:
                    rows[row] = "\"q\"tail," + rows[row].Split(',', 2)[^1];
                    damages.Add("after-quote");
                    break;
                default:
                    rows[row] = rows[row].Insert(random.Next(rows[row].Length + 1), "\u0001LATIN1\u0001");
                    damages.Add("latin1");
                    break;
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(row).Append(random.Next(4) == 0 ? "\r\n" : "\n");
            if (random.Next(10) == 0)
            {
                text.Append('\n');
            }
        }

        if (random.Next(4) == 0)
        {
            text.Length -= text[^1] == '\n' && text.Length > 1 && text[^2] == '\r' ? 2 : 1; // no final line end
        }

        var bytes = new List<byte>();
        if (random.Next(5) == 0)
        {
            bytes.AddRange(Encoding.UTF8.Preamble.ToArray());
        }

        // \u0001LATIN1\u0001 marks a Latin-1 byte: 0xE9 on its own is not UTF-8.
        foreach (var part in text.ToString().Split("\u0001"))
        {
            bytes.AddRange(part == "LATIN1" ? [0xE9] : Encoding.UTF8.GetBytes(part));
        }

        return ($"seed-{seed}-{(damages.Count == 0 ? "clean" : string.Join('+', damages))}.csv", bytes.ToArray());
    }

    private static string Field(Random random)
    {
        var roll = random.Next(10);
        var value = roll switch
        {
            0 => string.Empty,
            1 => new string((char)('a' + random.Next(26)), random.Next(10_000, 60_000)),
            _ => string.Concat(Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pieces[random.Next(Pieces.Length)])),
        };
        var mustQuote = value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value.Length == 0 && random.Next(2) == 0;
        return mustQuote || random.Next(5) == 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
