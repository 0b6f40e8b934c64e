using Sluice.Metadata.Postgres;

namespace Sluice.IntegrationTests;

/// <summary>Reading SLUICE_METADATA / --metadata: URLs and connection strings, schemas, and where a password may come from.</summary>
public sealed class PostgresMetadataSettingsTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void A_url_gives_host_port_database_user_schema_and_ssl_mode()
    {
        var settings = PostgresMetadataSettings.Parse("postgres://etl%40corp@db.example.com:6543/warehouse?schema=meta&sslmode=disable", NoEnvironment);

        Assert.Equal(("db.example.com", 6543, "warehouse", "meta", "etl@corp"), (settings.Host, settings.Port, settings.Database, settings.Schema, settings.Builder.Username));
        Assert.Equal(Npgsql.SslMode.Disable, settings.Builder.SslMode);
        Assert.Equal("PostgreSQL at db.example.com:6543, database 'warehouse', schema 'meta', user 'etl@corp'", settings.ToString());
    }

    [Fact]
    public void A_connection_string_may_name_a_schema_and_takes_the_password_from_the_environment()
    {
        var settings = PostgresMetadataSettings.Parse("Host=db;Database=sluice;Username=etl;Schema=team_a", name => name == PostgresMetadataSettings.PasswordVariable ? "s3cret!" : null);

        Assert.Equal(("db", 5432, "team_a", "s3cret!"), (settings.Host, settings.Port, settings.Schema, settings.Password));
        Assert.Equal(PostgresMetadataSettings.DefaultSchema, PostgresMetadataSettings.Parse("Host=db", NoEnvironment).Schema);
    }

    [Fact]
    public void A_password_on_the_command_line_is_refused_without_echoing_it()
    {
        var refused = Assert.Throws<SluiceException>(() => PostgresMetadataSettings.Parse("postgres://etl:hunter22@db/sluice", NoEnvironment, passwordAllowed: false));

        Assert.Contains(PostgresMetadataSettings.PasswordVariable, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_keyword_is_named()
    {
        var refused = Assert.Throws<SluiceException>(() => PostgresMetadataSettings.Parse("Host=db;Databse=x;Password=hunter22", NoEnvironment));

        Assert.Contains("unknown keyword 'databse'", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Did you mean 'Database'?", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://db/x", true)]
    [InlineData("postgresql://db/x", true)]
    [InlineData("Host=db;Database=x", true)]
    [InlineData("/var/lib/sluice/sluice.db", false)]
    [InlineData("sqlite:meta.db", false)]
    public void Postgres_settings_are_told_from_sqlite_paths(string setting, bool postgres) =>
        Assert.Equal(postgres, PostgresMetadataSettings.IsPostgres(setting));
}
