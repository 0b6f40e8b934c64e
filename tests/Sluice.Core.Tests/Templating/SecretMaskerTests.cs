using Sluice.Templating;

namespace Sluice.Core.Tests.Templating;

public sealed class SecretMaskerTests
{
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
}
