using Sluice.Connectors;
using Npgsql;
using Sluice.State;
using Sluice.Templating;

namespace Sluice.Metadata.Postgres;

/// <summary>Opening failures as one message that names the server and what to check, with the password masked.</summary>
internal static class PostgresMetadataErrors
{
    public static SluiceException OpenFailure(Exception e, PostgresMetadataSettings settings)
    {
        var masker = new SecretMasker();
        masker.Register(settings.Password);
        if (e is PostgresException pg)
        {
            var check = pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $" Check the user name and the password ({PostgresMetadataSettings.PasswordVariable} or PGPASSWORD).",
                PostgresErrorCodes.InvalidCatalogName => " Create the database, or name an existing one.",
                PostgresErrorCodes.InsufficientPrivilege => " The user needs CREATE on the database (for the schema) or ownership of the schema.",
                _ => string.Empty,
            };
            var message = masker.Apply($"the metadata store ({settings}) refused: {pg.MessageText} ({pg.SqlState}).{check}");
            // A server starting up or out of connections is worth waiting for; a wrong password is not.
            return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                ? new MetadataStoreUnavailableException(message, e)
                : new SluiceException(message);
        }

        return new MetadataStoreUnavailableException(
            masker.Apply($"cannot reach the metadata store at {settings.Host}:{settings.Port} ({NetworkFailure.Reason(e)}; {settings}). Check that PostgreSQL is running and listening there, or fix SLUICE_METADATA / --metadata."),
            e);
    }
}
