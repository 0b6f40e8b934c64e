using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>
/// The statement a <c>source: mysql</c> task runs, built in one place: a table read whole, or the
/// user's query with its templates bound as <c>@name</c> parameters. A row filter (an incremental
/// cursor's <c>cursor &gt;= @bound</c>) is added in <see cref="Build"/> by wrapping the base select,
/// so it applies the same way to a table and to a query.
/// </summary>
internal sealed record SourceQuery(string Sql, IReadOnlyList<MySqlParameter> Parameters, string? Table)
{
    public static SourceQuery Build(TaskContext context)
    {
        if (context.Options.Has("table"))
        {
            var table = context.Options.GetRequiredString("table");
            var schema = context.Options.GetString("schema");
            return new SourceQuery($"SELECT * FROM {MySqlText.Qualified(schema, table)}", [], table);
        }

        var sql = context.Options.GetSql("query", name => "@" + name);
        return new SourceQuery(sql.Sql, sql.Parameters.Select(p => new MySqlParameter(p.Name, p.Value ?? DBNull.Value)).ToList(), null);
    }

    public MySqlCommand Command(MySqlConnection connection)
    {
        var command = new MySqlCommand(Sql, connection);
        command.Parameters.AddRange(Parameters.ToArray());
        return command;
    }
}
