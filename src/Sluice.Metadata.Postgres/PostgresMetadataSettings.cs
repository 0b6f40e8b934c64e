using System.Data.Common;
using System.Globalization;
using Npgsql;
using Sluice.Validation;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// Where the PostgreSQL metadata store lives, read from a URL (<c>postgres://user@host:5432/db?schema=sluice</c>)
/// or an Npgsql connection string (<c>Host=...;Database=...;Schema=...</c>). The password comes from
/// the setting only when that came from the environment; otherwise from <c>SLUICE_METADATA_PASSWORD</c>
/// (or Npgsql's own <c>PGPASSWORD</c> and pgpass file). It never appears in <see cref="ToString"/> or any error.
/// </summary>
public sealed class PostgresMetadataSettings
{
    public const string DefaultSchema = "sluice";

    /// <summary>The environment variable a password is read from when the setting has none.</summary>
    public const string PasswordVariable = "SLUICE_METADATA_PASSWORD";

    /// <summary>What "did you mean" suggests from; Npgsql accepts many more.</summary>
    private static readonly string[] CommonKeywords =
        ["Host", "Port", "Database", "Username", "Password", "SSL Mode", "Timeout", "Command Timeout", "Application Name", "Pooling", "Maximum Pool Size", "Keepalive", "Target Session Attributes", "Schema"];

    /// <summary>Channel names share NAMEDATALEN (63) with the prefix <c>sluice_events:</c>.</summary>
    private const int MaxSchemaLength = 48;

    private PostgresMetadataSettings(NpgsqlConnectionStringBuilder builder, string schema)
    {
        Builder = builder;
        Schema = schema;
    }

    internal NpgsqlConnectionStringBuilder Builder { get; }

    public string Schema { get; }

    public string Host => Builder.Host ?? "localhost";

    public int Port => Builder.Port;

    public string Database => Builder.Database ?? Builder.Username ?? "?";

    public string? Password => Builder.Password;

    /// <summary>True when <paramref name="setting"/> names a PostgreSQL store rather than a SQLite file.</summary>
    public static bool IsPostgres(string setting) =>
        setting.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || setting.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (setting.Contains('=', StringComparison.Ordinal) && setting.Contains("host", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads a setting. <paramref name="passwordAllowed"/> is false for a value given on the command
    /// line, where other users see it in the process list.
    /// </summary>
    public static PostgresMetadataSettings Parse(string setting, Func<string, string?> environment, bool passwordAllowed = true)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var (values, where) = setting.Contains("://", StringComparison.Ordinal) ? FromUrl(setting) : FromKeywords(setting);
        var schema = DefaultSchema;
        var builder = new NpgsqlConnectionStringBuilder();
        foreach (var (key, value) in values)
        {
            if (key.Equals("schema", StringComparison.OrdinalIgnoreCase))
            {
                schema = value;
                continue;
            }

            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new SluiceException(
                    $"metadata store setting ({where}): {Suggestions.UnknownName("keyword", key, CommonKeywords)} Others: https://www.npgsql.org/doc/connection-string-parameters.html.");
            }
        }

        if (builder.Password is { Length: > 0 } && !passwordAllowed)
        {
            throw new SluiceException($"the metadata store setting on the command line holds a password, which other users can see in the process list; set {PasswordVariable} (or PGPASSWORD) instead.");
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new SluiceException($"metadata store setting ({where}): no host; write e.g. postgres://user@db.example.com:5432/sluice or Host=db.example.com;Database=sluice;Username=user.");
        }

        if (schema.Length is 0 or > MaxSchemaLength)
        {
            throw new SluiceException($"metadata store setting ({where}): schema name must have 1 to {MaxSchemaLength} characters.");
        }

        if (string.IsNullOrEmpty(builder.Password) && environment(PasswordVariable) is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        builder.ApplicationName ??= "sluice metadata";
        // Times are timestamptz and compared in UTC; the session zone only affects text output.
        builder.Timezone ??= "UTC";
        return new PostgresMetadataSettings(builder, schema);
    }

    /// <summary>Where the store is, for messages and logs: never the password.</summary>
    public override string ToString() =>
        $"PostgreSQL at {Host}:{Port.ToString(CultureInfo.InvariantCulture)}, database '{Database}', schema '{Schema}'{(Builder.Username is { } user ? $", user '{user}'" : string.Empty)}";

    private static (List<KeyValuePair<string, string>> Values, string Where) FromKeywords(string setting)
    {
        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = setting;
        }
        catch (ArgumentException)
        {
            throw new SluiceException("metadata store setting: not a connection string of Key=Value pairs separated by ';' (nor a postgres:// URL).");
        }

        return (parsed.Keys.Cast<string>().Select(k => new KeyValuePair<string, string>(k, Convert.ToString(parsed[k], CultureInfo.InvariantCulture) ?? string.Empty)).ToList(), "connection string");
    }

    private static (List<KeyValuePair<string, string>> Values, string Where) FromUrl(string setting)
    {
        if (!Uri.TryCreate(setting, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new SluiceException("metadata store setting: not a URL of the form postgres://user@host:5432/database?schema=sluice.");
        }

        var values = new List<KeyValuePair<string, string>> { new("Host", uri.Host) };
        if (uri.Port > 0)
        {
            values.Add(new("Port", uri.Port.ToString(CultureInfo.InvariantCulture)));
        }

        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            values.Add(new("Database", Uri.UnescapeDataString(database)));
        }

        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            values.Add(new("Username", Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon])));
            if (colon >= 0)
            {
                values.Add(new("Password", Uri.UnescapeDataString(userInfo[(colon + 1)..])));
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            values.Add(new(key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key, equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..])));
        }

        return (values, "URL");
    }
}
