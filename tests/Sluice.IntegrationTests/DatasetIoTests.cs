using Sluice.Engine.DuckDb;

namespace Sluice.IntegrationTests;

/// <summary>Rows written from .NET into a staged Parquet dataset and read back, types intact.</summary>
public sealed class DatasetIoTests
{
    [Fact]
    public async Task Rows_round_trip_through_a_parquet_dataset_with_their_types()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sluice-io-{Guid.NewGuid():N}.parquet");
        var id = Guid.NewGuid();
        var moment = new DateTimeOffset(2024, 3, 1, 12, 30, 15, TimeSpan.Zero);
        try
        {
            await using (var writer = await DatasetWriter.CreateAsync(
                [("id", "UUID"), ("amount", "DECIMAL(18,4)"), ("at", "TIMESTAMPTZ"), ("day", "DATE"), ("tags", "VARCHAR[]"), ("note", "VARCHAR"), ("n", "BIGINT")]))
            {
                writer.Append([id, 12.3456m, moment, new DateOnly(2024, 3, 1), new[] { "a", "b'c" }, "'; DROP TABLE x; --", 42L]);
                writer.Append([Guid.Empty, null, null, null, null, null, null]);
                Assert.Equal(2, await writer.CompleteAsync(path, CancellationToken.None));
            }

            await using var reader = await DatasetReader.OpenAsync(path);
            Assert.Equal(["id", "amount", "at", "day", "tags", "note", "n"], reader.Columns.Select(c => c.Name));
            Assert.Equal("DECIMAL(18,4)", reader.Columns[1].Type);
            Assert.True(await reader.Rows.ReadAsync());
            Assert.Equal(id, reader.Rows.GetGuid(0));
            Assert.Equal(12.3456m, reader.Rows.GetDecimal(1));
            Assert.Equal(moment.UtcDateTime, reader.Rows.GetDateTime(2));
            Assert.Equal(new[] { "a", "b'c" }, ((System.Collections.IEnumerable)reader.Rows.GetValue(4)).Cast<string>());
            Assert.Equal("'; DROP TABLE x; --", reader.Rows.GetString(5));
            Assert.True(await reader.Rows.ReadAsync());
            Assert.True(reader.Rows.IsDBNull(1));
            Assert.False(await reader.Rows.ReadAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
