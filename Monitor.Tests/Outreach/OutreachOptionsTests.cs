using Monitor.Worker.Outreach;

namespace Monitor.Tests.Outreach;

/// <summary>The <c>Outreach</c> settings: defaults valid, every bad value named by its full key, all at once.</summary>
public sealed class OutreachOptionsTests
{
    [Test]
    public void The_defaults_are_valid()
    {
        var o = new OutreachOptions();
        Assert.That(new OutreachOptionsValidator().Validate(null, o).Succeeded, Is.True);
        Assert.That((o.NoContactDays, o.WelcomeWeeks, o.LunchCooldown, o.Digest.Enabled, o.Digest.Cron),
            Is.EqualTo((90, 4, TimeSpan.FromDays(180), false, "0 0 7 ? * MON")));
    }

    [Test]
    public void Every_bad_value_is_reported_with_its_full_key()
    {
        var o = new OutreachOptions
        {
            NoContactDays = 0, WelcomeWeeks = -1, TicketWindowDays = 400, LunchCooldown = TimeSpan.FromDays(-1),
            Digest = { Enabled = true, Cron = "every monday", Recipients = ["rota@example.com", "not an address"] },
        };
        var failures = new OutreachOptionsValidator().Validate(null, o).Failures!.ToList();
        Assert.That(failures.Select(f => f.Split(' ')[0]), Is.EquivalentTo(new[]
        {
            "Outreach:NoContactDays", "Outreach:WelcomeWeeks", "Outreach:TicketWindowDays", "Outreach:LunchCooldown",
            "Outreach:Digest:Cron", "Outreach:Digest:Recipients:1",
        }));
        var empty = new OutreachOptions { Digest = { Enabled = true } };
        Assert.That(new OutreachOptionsValidator().Validate(null, empty).Failures,
            Has.Some.StartsWith("Outreach:Digest:Recipients must name at least one address"));
    }
}
