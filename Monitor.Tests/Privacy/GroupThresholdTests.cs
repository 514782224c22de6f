using Monitor.Core.Privacy;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;

namespace Monitor.Tests.Privacy;

/// <summary>One group threshold: <c>Privacy:MinGroupSize</c>; the retired <c>Metrics:GroupMinimumUsers</c> stops the worker.</summary>
public sealed class GroupThresholdTests
{
    [Test]
    public void The_retired_metrics_key_is_a_failure_that_names_its_replacement()
    {
        var failures = new MetricsOptionsValidator().Validate(null, new MetricsOptions { GroupMinimumUsers = 5 }).Failures?.ToList() ?? [];
        Assert.That(failures, Has.One.StartsWith("Metrics:GroupMinimumUsers is retired: use Privacy:MinGroupSize"));
        Assert.That(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded, Is.True);
    }

    [Test]
    public void The_thresholds_the_disclosure_rules_take_are_the_privacy_settings()
    {
        var thresholds = new PrivacyOptions { MinGroupSize = 7, MinCommentGroupSize = 12 }.Thresholds;
        Assert.That((thresholds.MinGroupSize, thresholds.MinCommentGroupSize), Is.EqualTo((7, 12)));
    }

    [Test]
    public async Task A_worker_started_with_the_retired_key_exits_2_naming_it()
    {
        var dir = TestPaths.NewTempDir("sm-retired");
        var (exit, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "migrate",
            $"--Storage:ConnectionString=Data Source={Path.Combine(dir, "monitor.db")}",
            $"--Directory:CsvPath={TestPaths.Samples("users.csv")}", "--Metrics:GroupMinimumUsers=3"], workingDirectory: dir);
        Assert.That(exit, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("Metrics:GroupMinimumUsers is retired: use Privacy:MinGroupSize"));
        Assert.That(File.Exists(Path.Combine(dir, "monitor.db")), Is.False, "nothing ran");
    }

    [TestCase("en-GB", "groups of at least 8 people")]
    [TestCase("fr-FR", "groupes d’au moins 8 personnes")]
    [TestCase("de-DE", "Gruppen mit mindestens 8 Personen")]
    [TestCase("es-ES", "grupos de al menos 8 personas")]
    public void The_anonymous_footer_names_the_configured_group_size(string locale, string expected)
    {
        var options = new PulseOptions { SigningKeys = ["threshold-test-signing-key-0123456789abcdef"] };
        var composer = new PulseComposer(new PulseLinks(new PulseTokenCodec(options.SigningKeys), options), options,
            privacy: PrivacyMode.Anonymous, minGroupSize: 8);
        var user = new Monitor.Core.Users.User("u1", "u1@example.com", "Ana", "Finance", "Paris", null,
            Monitor.Core.Users.Rank.Manager, "UTC", locale, true, false);
        var now = DateTimeOffset.UtcNow;
        var footer = composer.Compose(user, new Monitor.Core.Pulses.PulseRecord(Guid.NewGuid(), user.Id, options.QuestionSet, "manual", now,
            now.AddDays(7))).WhoSees;
        Assert.That(footer, Does.Contain(expected));
    }
}
