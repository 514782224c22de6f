using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Probes;
using Monitor.Probes.Pulse;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>The pulse probe's catalogue entry: scheduled from the validated options, off without a signing key.</summary>
public sealed class PulseRegistrationTests
{
    private static JobSchedule? Schedule(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPulse();
        using var services = builder.Services.BuildServiceProvider();
        var entry = services.GetServices<ProbeDefinition>().Single(d => d.Name == PulseProbe.ProbeName);
        Assert.That(entry.IsProbe, Is.True);
        return entry.Schedule(services);
    }

    private static Dictionary<string, string?> WithKey(params (string Key, string? Value)[] more) =>
        new[] { ("Pulse:SigningKeys:0", (string?)"registration-test-signing-key-0123456789"), ("Pulse:PublicBaseUrl", "https://p.example") }
            .Concat(more).ToDictionary(kv => kv.Item1, kv => kv.Item2);

    [Test]
    public void With_a_signing_key_the_probe_runs_on_the_configured_cron() =>
        Assert.That(Schedule(WithKey(("Pulse:Cron", "0 0 8 ? * MON"))), Is.EqualTo(new JobSchedule.Cron("0 0 8 ? * MON")));

    [Test]
    public void Without_a_signing_key_or_when_disabled_the_probe_is_not_scheduled()
    {
        Assert.That(Schedule([]), Is.Null);
        Assert.That(Schedule(WithKey(("Pulse:Enabled", "false"))), Is.Null);
    }
}
