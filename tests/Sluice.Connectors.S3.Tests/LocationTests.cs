namespace Sluice.Connectors.S3.Tests;

/// <summary>How s3:// URLs, prefixes and globs select keys; the listing asks only for the literal prefix.</summary>
public sealed class LocationTests
{
    [Theory]
    [InlineData("s3://b/raw/orders_*.csv", "raw/orders_2024-03-01.csv", true)]
    [InlineData("s3://b/raw/orders_*.csv", "raw/orders_2024/03.csv", false)]
    [InlineData("s3://b/raw/**/*.csv", "raw/a/b/c.csv", true)]
    [InlineData("s3://b/raw/**/*.csv", "raw/c.csv", true)]
    [InlineData("s3://b/raw/day=?/x.csv", "raw/day=1/x.csv", true)]
    [InlineData("s3://b/raw/day=?/x.csv", "raw/day=12/x.csv", false)]
    [InlineData("s3://b/raw/[ab].csv", "raw/b.csv", true)]
    [InlineData("s3://b/raw/[!ab].csv", "raw/b.csv", false)]
    [InlineData("s3://b/raw/", "raw/deep/x.csv", true)]
    [InlineData("s3://b/raw/", "raw/", false)]
    [InlineData("s3://b/raw/x.csv", "raw/x.csv.bak", false)]
    [InlineData("s3://b/raw/a+b (1).csv", "raw/a+b (1).csv", true)]
    public void Keys_match_as_a_shell_glob_would(string url, string key, bool matches) =>
        Assert.Equal(matches, S3Location.Parse(url, "test").Matches(key));

    [Theory]
    [InlineData("s3://b/raw/orders_{x}*.csv", "raw/orders_{x}")]
    [InlineData("s3://b/raw/x.csv", "raw/x.csv")]
    [InlineData("s3://b", "")]
    public void The_listing_prefix_is_the_text_before_the_first_wildcard(string url, string prefix) =>
        Assert.Equal(prefix, S3Location.Parse(url, "test").ListPrefix);

    [Fact]
    public void A_url_that_is_not_s3_says_how_to_write_one()
    {
        var error = Assert.Throws<NonRetryableException>(() => S3Location.Parse("https://b/x.csv", "task 'pull'"));

        Assert.Equal("task 'pull': 'https://b/x.csv' is not an s3:// URL; write s3://bucket/path/file.csv, or give bucket and key.", error.Message);
    }
}
