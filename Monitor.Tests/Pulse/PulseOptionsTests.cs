using Microsoft.Extensions.Configuration;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

public sealed class PulseOptionsTests
{
    private static PulseOptions Valid() => new() { SigningKeys = ["options-test-signing-key-0123456789ab"], PublicBaseUrl = "https://pulse.example.com" };

    private static IEnumerable<TestCaseData> BadPulseOptions()
    {
        yield return new TestCaseData(Valid().With(o => o.SigningKeys = ["short"]), "Pulse:SigningKeys:0 must be at least 32 characters").SetName("A short signing key is refused");
        yield return new TestCaseData(Valid().With(o => o.PublicBaseUrl = "pulse.example.com"), "Pulse:PublicBaseUrl must be the http(s) URL").SetName("A public base URL without scheme is refused");
        yield return new TestCaseData(Valid().With(o => o.Cron = "every monday"), "Pulse:Cron is not a valid Quartz cron expression").SetName("A bad cron is refused");
        yield return new TestCaseData(Valid().With(o => o.QuietUntil = new TimeOnly(18, 0)), "Pulse:QuietUntil (18:00) must be before Pulse:QuietFrom").SetName("Quiet hours the wrong way round are refused");
        yield return new TestCaseData(Valid().With(o => o.QuestionSet = "nope"), "Pulse:QuestionSet 'nope' is not a question set").SetName("An unknown question set is refused");
        yield return new TestCaseData(Valid().With(o => o.DailySampleRate = 0), "Pulse:DailySampleRate must be in (0, 1]").SetName("A zero sample rate is refused");
        yield return new TestCaseData(Valid().With(o => o.Scanner.BurstAnswers = 9), "Pulse:Scanner:BurstAnswers must be in [2, 5]").SetName("An impossible burst threshold is refused");
    }

    [TestCaseSource(nameof(BadPulseOptions))]
    public void Bad_pulse_settings_fail_with_a_message_naming_the_key(PulseOptions options, string message) =>
        Assert.That(new PulseOptionsValidator().Validate(null, options).Failures, Has.Some.StartsWith(message));

    [Test]
    public void The_defaults_with_a_key_and_a_public_url_are_valid() =>
        Assert.That(new PulseOptionsValidator().Validate(null, Valid()).Succeeded, Is.True);

    [Test]
    public void Configured_business_days_replace_the_default_ones()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pulse:BusinessDays:0"] = "Saturday" }).Build();
        var bound = config.GetSection("Pulse").Get<PulseOptions>()!;
        Assert.That(bound.EffectiveBusinessDays(), Is.EqualTo(new[] { DayOfWeek.Saturday }));
        Assert.That(new PulseOptions().EffectiveBusinessDays(), Has.Count.EqualTo(5));
    }

    [Test]
    public void Bad_mail_settings_fail_with_a_message_naming_the_key()
    {
        var o = new MailOptions { From = "not an address", PickupDirectory = "" };
        o.Smtp.Port = 0;
        o.Smtp.User = "me";
        var failures = o.Validate().ToList();
        Assert.That(failures, Has.Some.StartsWith("Mail:From must be an e-mail address"));
        Assert.That(failures, Has.Some.StartsWith("Mail:PickupDirectory is required"));
        Assert.That(failures, Has.Some.StartsWith("Mail:Smtp:Port must be in [1, 65535]"));
        Assert.That(failures, Has.Some.StartsWith("Mail:Smtp:Password is required"));
    }

    [Test]
    public async Task Without_a_signing_key_the_worker_runs_with_the_pulse_probe_off_and_says_so()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>());
        Assert.That(() => worker.Log, Does.Contain("Pulse probe disabled: Pulse:SigningKeys is empty").After(10_000, 50));
        using var probes = await worker.Admin.GetAsync("/api/probes");
        Assert.That(await probes.Content.ReadAsStringAsync(), Does.Not.Contain("\"pulse\""));
        using var send = await worker.Admin.PostAsync("/api/users/u001/pulse", null);
        Assert.That((int)send.StatusCode, Is.EqualTo(409));
    }
}

internal static class OptionsExtensions
{
    public static PulseOptions With(this PulseOptions o, Action<PulseOptions> change)
    {
        change(o);
        return o;
    }
}
