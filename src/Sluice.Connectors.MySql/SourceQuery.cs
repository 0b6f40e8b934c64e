using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>
/// The statement a <c>source: mysql</c> task runs, built in one place: a table read whole, or the
/// user's query with its templates bound as <c>@name</c> parameters. A row filter (an incremental
/// cursor's <c>cursor &gt;= @bound</c>) is added in <see cref="Build"/> by wrapping the base select,
/// so it applies the same way to a table and to a query: <see cref="MySqlIncremental"/> wraps it
/// through <see cref="With"/>, the bounds bound as parameters beside the query's own.
/// </summary>
internal sealed record SourceQuery(string Sql, IReadOnlyList<MySqlParameter> Parameters, string? Table, bool PipesConcat = false)
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
        // A template inside a quoted string renders as standard SQL, CAST(@p AS VARCHAR) joined with ||;
        // MySQL spells the cast CHAR and concatenates with || only under PIPES_AS_CONCAT (set by Command).
        var text = sql.Sql;
        var quotedTemplates = false;
        foreach (var parameter in sql.Parameters)
        {
            var standard = $"CAST(@{parameter.Name} AS VARCHAR)";
            quotedTemplates |= text.Contains(standard, StringComparison.Ordinal);
            text = text.Replace(standard, $"CAST(@{parameter.Name} AS CHAR)", StringComparison.Ordinal);
        }

        return new SourceQuery(text, sql.Parameters.Select(p => new MySqlParameter(p.Name, p.Value ?? DBNull.Value)).ToList(), null, quotedTemplates);
    }

    /// <summary>This statement rewritten (the base select wrapped), with more parameters bound beside its own.</summary>
    public SourceQuery With(string sql, IReadOnlyList<(string Name, object Value)> more) =>
        this with { Sql = sql, Parameters = [.. Parameters.Select(p => new MySqlParameter(p.ParameterName, p.Value)), .. more.Select(p => new MySqlParameter(p.Name, p.Value))] };

    public async Task<MySqlCommand> CommandAsync(MySqlConnection connection, MySqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (PipesConcat)
        {
            await using var mode = new MySqlCommand("SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT')", connection, transaction);
            await mode.ExecuteNonQueryAsync(cancellationToken);
        }

        var command = new MySqlCommand(Sql, connection, transaction);
        command.Parameters.AddRange(Parameters.ToArray());
        return command;
    }
}
