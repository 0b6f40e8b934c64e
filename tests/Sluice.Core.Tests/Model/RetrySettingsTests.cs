using Sluice.Model;

namespace Sluice.Core.Tests.Model;

/// <summary>Delay before each retry: the base delay, times the backoff factor per earlier retry, capped.</summary>
public sealed class RetrySettingsTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    public void Delay_doubles_with_each_retry(int retry, int seconds)
    {
        var settings = new RetrySettings(5, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.DelayBefore(retry));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 9)]
    [InlineData(4, 27)]
    public void Delay_grows_by_the_backoff_factor(int retry, int seconds)
    {
        var settings = new RetrySettings(5, TimeSpan.FromSeconds(1), 3.0, TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.DelayBefore(retry));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 30)]
    [InlineData(4, 30)]
    [InlineData(10, 30)]
    public void Delay_is_capped_at_the_max_delay(int retry, int seconds)
    {
        var settings = new RetrySettings(10, TimeSpan.FromSeconds(10), 2.0, TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.DelayBefore(retry));
    }

    [Fact]
    public void A_very_late_retry_does_not_overflow_past_the_cap()
    {
        var settings = new RetrySettings(5000, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5), settings.DelayBefore(5000));
    }

    [Fact]
    public void A_factor_of_one_keeps_the_delay_constant()
    {
        var settings = new RetrySettings(3, TimeSpan.FromMilliseconds(500), 1.0, TimeSpan.FromMinutes(5));

        Assert.All([1, 2, 3], retry => Assert.Equal(TimeSpan.FromMilliseconds(500), settings.DelayBefore(retry)));
    }

    [Fact]
    public void The_built_in_default_is_no_retry_with_a_5s_doubling_delay_capped_at_5m()
    {
        Assert.Equal(new RetrySettings(0, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(5)), RetrySettings.Default);
    }
}
