using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

public static class PostgresMetadataServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the host's run history and event log in PostgreSQL instead of the state folder's SQLite
    /// file: <c>services.AddSluice(b => b.AddFiles()).AddPostgresMetadata(connectionString)</c>. The
    /// setting is a postgres:// URL or an Npgsql connection string (with an optional <c>Schema=</c>);
    /// without a password in it, <c>SLUICE_METADATA_PASSWORD</c> or <c>PGPASSWORD</c> supplies one.
    /// </summary>
    public static IServiceCollection AddPostgresMetadata(this IServiceCollection services, string connectionString)
    {
        var settings = PostgresMetadataSettings.Parse(connectionString, Environment.GetEnvironmentVariable);
        services.Replace(ServiceDescriptor.Singleton<IMetadataStoreProvider>(new PostgresMetadataStoreProvider(settings)));
        return services;
    }
}
