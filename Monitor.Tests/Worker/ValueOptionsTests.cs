using Monitor.Worker.Value;

namespace Monitor.Tests.Worker;

/// <summary>The <c>Value</c> settings are validated, naming the full key.</summary>
public sealed class ValueOptionsTests
{
    [TestCase("00:00:00")]
    [TestCase("731.00:00:00")]
    public void A_window_outside_one_day_to_two_years_is_refused_naming_the_key(string window)
    {
        var result = new ValueOptionsValidator().Validate(null, new ValueOptions { Window = TimeSpan.Parse(window) });
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Value:Window"));
    }

    [Test]
    public void The_default_window_is_a_quarter_and_valid()
    {
        var options = new ValueOptions();
        Assert.That(options.Window, Is.EqualTo(TimeSpan.FromDays(90)));
        Assert.That(new ValueOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }
}
