using Monitor.Probes;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

/// <summary>The key check the Docker tests rely on tells a key the worker reads from one it does not.</summary>
[Category("Stack")]
public sealed class WorkerSettingsTests
{
    [Test]
    public void A_section_the_worker_never_reads_is_reported()
    {
        var unread = WorkerSettings.Unread(new Dictionary<string, string>
        {
            ["Mail:Smtp:Host"] = "mailcatcher",
            ["Pulse:SigningKeys:0"] = "a-signing-key-long-enough-0123456789",
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Database=satisfaction;Username=monitor;Password=secret",
            ["Mial:Smtp:Host"] = "mailcatcher",
        });

        Assert.That(unread, Is.EqualTo(new[] { "Mial:Smtp:Host" }));
    }

    [Test]
    public void A_misspelt_key_in_a_section_the_worker_reads_is_refused_by_name()
    {
        var error = Assert.Throws<SettingsBindingException>(() =>
            WorkerSettings.Unread(new Dictionary<string, string> { ["Mail:Smtp:Hots"] = "mailcatcher" }))!;

        Assert.That(error.Failures.Single(), Does.Contain("Mail").And.Contain("Hots"));
    }
}
