using Sluice.Templating;

namespace Sluice.Core.Tests.Templating;

public sealed class SecretMaskerTests
{
    private static readonly DataInterval Interval = new(new DateOnly(2024, 3, 1), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));

    [Fact]
    public void Registered_values_are_masked_everywhere_in_a_text()
    {
        var masker = new SecretMasker();
        masker.Register("hunter2!");

        Assert.Equal("password=*** again ***", masker.Apply("password=hunter2! again hunter2!"));
    }

    [Fact]
    public void Text_without_secrets_is_unchanged()
    {
        var masker = new SecretMasker();
        masker.Register("hunter2!");

        Assert.Equal("nothing to hide", masker.Apply("nothing to hide"));
    }

    [Fact]
    public void Values_shorter_than_three_characters_are_not_masked()
    {
        var masker = new SecretMasker();
        masker.Register("ab");
        masker.Register(string.Empty);
        masker.Register(null);

        Assert.Equal("abc ab", masker.Apply("abc ab"));
    }

    [Fact]
    public void A_longer_secret_is_masked_whole_even_when_it_contains_a_shorter_one()
    {
        var masker = new SecretMasker();
        masker.Register("abc");
        masker.Register("abcdef");

        Assert.Equal("*** ***", masker.Apply("abcdef abc"));
    }

    [Fact]
    public void Null_and_empty_texts_become_empty()
    {
        var masker = new SecretMasker();
        masker.Register("secret");

        Assert.Equal(string.Empty, masker.Apply(null));
        Assert.Equal(string.Empty, masker.Apply(string.Empty));
    }

    [Fact]
    public void Values_read_through_environment_references_are_masked()
    {
        var masker = new SecretMasker();
        var interval = new DataInterval(new DateOnly(2024, 3, 1), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
        var renderer = new TemplateRenderer(interval, new Dictionary<string, string>(), masker, name => name == "TOKEN" ? "tok-123456" : null);

        renderer.Render("Bearer ${TOKEN}", Sluice.Model.SourceLocation.Code("test"));

        Assert.Equal("request failed for Bearer ***", masker.Apply("request failed for Bearer tok-123456"));
    }

    [Fact]
    public void A_port_from_the_environment_stays_readable_while_a_token_is_masked()
    {
        var masker = new SecretMasker();
        var environment = new Dictionary<string, string> { ["PG_PORT"] = "54329", ["API_TOKEN"] = "tok-77aa11" };
        var renderer = new TemplateRenderer(Interval, new Dictionary<string, string>(), masker, name => environment.GetValueOrDefault(name));

        var rendered = renderer.Render("http://db:${PG_PORT}/?t=${API_TOKEN}", Sluice.Model.SourceLocation.Code("test"));

        Assert.Equal("http://db:54329/?t=***", masker.Apply(rendered));
    }

    [Theory]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("aws_secret_access_key", true)]
    [InlineData("SLUICE_CONN_API__BEARER_TOKEN", true)]
    [InlineData("GCP_CREDENTIALS", true)]
    [InlineData("PG_PORT", false)]
    [InlineData("BUCKET", false)]
    public void Variables_are_secret_when_their_name_says_so(string name, bool secret) =>
        Assert.Equal(secret, SecretNames.LooksSecret(name));

    [Fact]
    public void A_variable_listed_in_the_secrets_file_is_masked_whatever_its_name()
    {
        var file = Path.Combine(Path.GetTempPath(), "sluice-secrets-" + Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(file, "PARTNER_ID=partner-981\n");
        try
        {
            var masker = new SecretMasker();
            var renderer = new TemplateRenderer(Interval, new Dictionary<string, string>(), masker, SecretsFile.Lookup(file), isSecret: SecretsFile.IsSecret(file));

            var rendered = renderer.Render("partners/${PARTNER_ID}.json", Sluice.Model.SourceLocation.Code("test"));

            Assert.Equal("partners/***.json", masker.Apply(rendered));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
