namespace Sluice.Connectors.MySql;

/// <summary>MySQL's identifier quoting: backticks, whatever the server's sql_mode (ANSI_QUOTES or not).</summary>
internal static class MySqlText
{
    public static string Identifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    public static string Qualified(string? schema, string table) =>
        schema is null ? Identifier(table) : Identifier(schema) + "." + Identifier(table);

    public static string List(IEnumerable<string> names) => string.Join(", ", names.Select(Identifier));
}
