using Sluice.Connectors;
using System.Net.Sockets;
using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>
/// The <c>mysql</c> connection type (MySQL and MariaDB), and opening a connection from a task. The
/// connection string is built with <see cref="MySqlConnectionStringBuilder"/> and never logged; the
/// password is registered as a secret so it is masked even when written in connections.yaml.
/// </summary>
public static class MySqlConnections
{
    public static ConnectionType Type { get; } = new(
        "mysql",
        "A MySQL or MariaDB server (MySqlConnector).",
        [
            OptionSpec.Text("host", "Server host name or IP address.", required: true),
            new("port", OptionKind.Integer, "Server TCP port.") { Default = "3306" },
            OptionSpec.Text("database", "Database name.", required: true),
            OptionSpec.Text("username", "User name.", required: true),
            OptionSpec.Text("password", "Password; write it as ${VAR} (environment or secrets.env), never inline."),
            OptionSpec.OneOf("sslmode", "TLS: none, preferred, required, verify-ca or verify-full.", "preferred", "none", "preferred", "required", "verify-ca", "verify-full"),
            new("connect_timeout", OptionKind.Integer, "Seconds to wait for the server before failing the attempt.") { Default = "15" },
            new("mysqlconnector", OptionKind.StringMap, "Extra MySqlConnector connection string options, e.g. { 'Default Command Timeout': '0' }."),
        ]);

    internal static (MySqlConnectionStringBuilder Builder, ServerEndpoint Endpoint) Describe(TaskContext context, string option = "connection")
    {
        var name = context.Options.GetRequiredString(option);
        var options = context.Connection(option);
        var password = options.GetString("password");
        context.Templates.Secrets.Register(password);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = options.GetRequiredString("host"),
            Port = (uint)options.GetInt("port"),
            Database = options.GetRequiredString("database"),
            UserID = options.GetRequiredString("username"),
            Password = password,
            ConnectionTimeout = (uint)options.GetInt("connect_timeout"),
            // Loads and extracts run as long as the data needs; the task's timeout bounds them instead.
            DefaultCommandTimeout = 0,
            ApplicationName = $"sluice {context.Pipeline.Name}.{context.Task.Id}",
            // The sink bulk-loads with LOAD DATA LOCAL INFILE from a stream it writes itself (MySqlBulkCopy).
            AllowLoadLocalInfile = true,
            // char(36) and binary(16) stay text and bytes: guessing they are UUIDs would change their type.
            GuidFormat = MySqlGuidFormat.None,
            // tinyint(1) is MySQL's BOOLEAN; bit(1) reads as a bool too (see SourceColumns).
            TreatTinyAsBoolean = true,
            // Parameters are named @x; user variables (@@x, @x := ...) in a query stay the server's.
            AllowUserVariables = true,
        };
        builder.SslMode = options.GetChoice("sslmode") switch
        {
            "none" => MySqlSslMode.None,
            "required" => MySqlSslMode.Required,
            "verify-ca" => MySqlSslMode.VerifyCA,
            "verify-full" => MySqlSslMode.VerifyFull,
            _ => MySqlSslMode.Preferred,
        };
        foreach (var (key, value) in options.GetMap("mysqlconnector"))
        {
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new NonRetryableException($"connection '{name}': '{key}' is not a MySqlConnector connection string option. See https://mysqlconnector.net/connection-options/.");
            }
        }

        return (builder, new ServerEndpoint("mysql", name, builder.Server, (int)builder.Port, builder.Database, builder.UserID));
    }

    /// <summary>Opens the task's connection; failures name the connection and what to check, never the password.</summary>
    internal static async Task<(MySqlConnection Connection, ServerEndpoint Endpoint)> OpenAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var (builder, endpoint) = Describe(context);
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Sessions run in UTC, as DuckDB's do: TIMESTAMP columns convert through the session's zone,
            // and {{ data_interval_start }} is bound as a UTC instant.
            await using var command = new MySqlCommand("SET time_zone = '+00:00'", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return (connection, endpoint);
        }
        catch (Exception e) when (e is MySqlException or TimeoutException or SocketException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw OpenFailure(e, endpoint, context);
        }
    }

    private static SluiceException OpenFailure(Exception e, ServerEndpoint endpoint, TaskContext context)
    {
        if (e is MySqlException { ErrorCode: not MySqlErrorCode.UnableToConnectToHost } my && my.Number != 0)
        {
            var check = my.ErrorCode switch
            {
                MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied =>
                    $"Check the username and the password ({endpoint.PasswordHint}), and that the user may connect from this host.",
                MySqlErrorCode.UnknownDatabase => "Check the database name, or create the database.",
                MySqlErrorCode.ConnectionCountError or MySqlErrorCode.TooManyUserConnections => null,
                _ => "Check the connection's options.",
            };
            return endpoint.Refused(my.Message, my.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), check, context);
        }

        return endpoint.Unreachable(e, "MySQL/MariaDB", "bind-address");
    }
}
