using Sluice.Connectors;
using Npgsql;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// The <c>postgres</c> connection type, and opening a connection from a task. The connection string
/// is built with <see cref="NpgsqlConnectionStringBuilder"/> and never logged; the password is
/// registered as a secret so it is masked even when written in connections.yaml instead of ${VAR}.
/// </summary>
public static class PostgresConnections
{
    public static ConnectionType Type { get; } = new(
        "postgres",
        "A PostgreSQL server (Npgsql).",
        [
            OptionSpec.Text("host", "Server host name or IP address.", required: true),
            new("port", OptionKind.Integer, "Server TCP port.") { Default = "5432" },
            OptionSpec.Text("database", "Database name.", required: true),
            OptionSpec.Text("username", "User name.", required: true),
            OptionSpec.Text("password", "Password; write it as ${VAR} (environment or secrets.env), never inline."),
            OptionSpec.OneOf("sslmode", "TLS: disable, allow, prefer, require, verify-ca or verify-full.", "prefer", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
            new("connect_timeout", OptionKind.Integer, "Seconds to wait for the server before failing the attempt.") { Default = "15" },
            new("npgsql", OptionKind.StringMap, "Extra Npgsql connection string keywords, e.g. { 'Command Timeout': '0', 'Application Name': 'sluice' }."),
        ]);

    internal static (NpgsqlConnectionStringBuilder Builder, ServerEndpoint Endpoint) Describe(TaskContext context, string option = "connection")
    {
        var name = context.Options.GetRequiredString(option);
        var options = context.Connection(option);
        var password = options.GetString("password");
        context.Templates.Secrets.Register(password);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = options.GetRequiredString("host"),
            Port = options.GetInt("port"),
            Database = options.GetRequiredString("database"),
            Username = options.GetRequiredString("username"),
            Password = password,
            Timeout = options.GetInt("connect_timeout"),
            // Loads and extracts run as long as the data needs; the task's timeout bounds them instead.
            CommandTimeout = 0,
            ApplicationName = $"sluice {context.Pipeline.Name}.{context.Task.Id}",
            ArrayNullabilityMode = ArrayNullabilityMode.Always,
            // Bulk COPY in and out: bigger buffers mean fewer system calls per row (measured ~20-40% faster).
            ReadBufferSize = 256 * 1024,
            WriteBufferSize = 256 * 1024,
            // Sessions run in UTC, as DuckDB's do: {{ data_interval_start }} is bound as a UTC instant,
            // and PostgreSQL compares it with a timestamp (without time zone) column in the session's
            // zone, so a server in local time would silently shift every interval. npgsql: { Timezone: ... }
            // still overrides it.
            Timezone = "UTC",
        };
        builder.SslMode = options.GetChoice("sslmode") switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => SslMode.Prefer,
        };
        foreach (var (key, value) in options.GetMap("npgsql"))
        {
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new NonRetryableException($"connection '{name}': '{key}' is not an Npgsql connection string keyword. See https://www.npgsql.org/doc/connection-string-parameters.html.");
            }
        }

        return (builder, new ServerEndpoint("postgres", name, builder.Host!, builder.Port, builder.Database!, builder.Username!));
    }

    /// <summary>Opens the task's connection; failures name the connection and what to check, never the password.</summary>
    internal static async Task<(NpgsqlConnection Connection, ServerEndpoint Endpoint)> OpenAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var (builder, endpoint) = Describe(context);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return (connection, endpoint);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw OpenFailure(e, endpoint, context);
        }
    }

    private static SluiceException OpenFailure(Exception e, ServerEndpoint endpoint, TaskContext context)
    {
        if (e is PostgresException pg)
        {
            var check = pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $"Check the username and the password ({endpoint.PasswordHint}).",
                PostgresErrorCodes.InvalidCatalogName => "Check the database name, or create the database.",
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow => null,
                _ => "Check the connection's options.",
            };
            return endpoint.Refused(pg.MessageText, pg.SqlState, check, context);
        }

        return endpoint.Unreachable(e, "PostgreSQL", "listen_addresses");
    }
}
