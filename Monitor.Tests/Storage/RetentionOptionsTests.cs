using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Probes;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>The <c>Retention</c> section: defaults, validation naming every bad key, and the catalogue entry.</summary>
public sealed class RetentionOptionsTests
{
    private static ValidateOptionsResult Validate(RetentionOptions o, EvaluationOptions? evaluation = null) =>
        new RetentionOptionsValidator(Options.Create(evaluation ?? new EvaluationOptions())).Validate(null, o);

    [Test]
    public void The_defaults_are_valid_and_what_the_documentation_says()
    {
        var o = new RetentionOptions();
        Assert.That(Validate(o).Succeeded, Is.True);
        Assert.That((o.Interval, o.BatchSize), Is.EqualTo((TimeSpan.FromHours(1), 5000)));
        Assert.That(new[] { o.JobRuns, o.SentOutbox, o.LinkHits, o.ClosedPulses, o.StateChanges, o.Signals, o.RemovedUsers },
            Is.EqualTo(new[] { 7, 30, 1, 180, 365, 365, 90 }.Select(d => TimeSpan.FromDays(d))));
    }

    [Test]
    public void Every_bad_value_is_reported_with_its_full_key()
    {
        var o = new RetentionOptions
        {
            Interval = TimeSpan.FromSeconds(5), BatchSize = 0, JobRuns = TimeSpan.Zero, SentOutbox = TimeSpan.FromMinutes(-1),
            LinkHits = TimeSpan.FromMinutes(30), ClosedPulses = TimeSpan.FromDays(29), StateChanges = TimeSpan.FromHours(1),
            Signals = TimeSpan.FromDays(89), RemovedUsers = TimeSpan.Zero,
        };
        var failures = Validate(o).Failures!.ToList();
        string[] keys =
            ["Interval", "BatchSize", "JobRuns", "SentOutbox", "LinkHits", "ClosedPulses", "StateChanges", "Signals", "RemovedUsers"];
        Assert.That(failures, Has.Count.EqualTo(keys.Length));
        foreach (var key in keys) Assert.That(failures, Has.One.StartsWith($"Retention:{key} "), key);
        Assert.That(failures.Single(f => f.StartsWith("Retention:Signals ")), Does.Contain("Evaluation:Window"));
    }

    [Test]
    public void Signals_are_kept_at_least_as_long_as_the_evaluation_window()
    {
        var wide = new EvaluationOptions { Window = TimeSpan.FromDays(400) };
        Assert.That(Validate(new RetentionOptions(), wide).Succeeded, Is.False);
        Assert.That(Validate(new RetentionOptions { Signals = TimeSpan.FromDays(400) }, wide).Succeeded, Is.True);
    }

    [Test]
    public void AddRetention_binds_the_section_and_schedules_the_job_every_interval()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Interval"] = "00:20:00",
            ["Retention:JobRuns"] = "3.00:00:00",
        }).Build();
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging();
        services.AddSingleton(new Database(Options.Create(new StorageOptions { ConnectionString = "Data Source=:memory:" })));
        services.AddRetention(configuration);
        using var provider = services.BuildServiceProvider();

        var entry = provider.GetServices<ProbeDefinition>().Single();
        Assert.That((entry.Name, entry.IsProbe), Is.EqualTo(("retention", false)));
        Assert.That(entry.Schedule(provider), Is.EqualTo(new JobSchedule.Every(TimeSpan.FromMinutes(20))));
        Assert.That(entry.Create(provider), Is.InstanceOf<RetentionJob>());
        Assert.That(provider.GetRequiredService<IOptions<RetentionOptions>>().Value.JobRuns, Is.EqualTo(TimeSpan.FromDays(3)));
    }

    [Test]
    public void A_bad_or_unknown_key_stops_the_options_from_binding()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:LinkHits"] = "00:00:10",
        }).Build();
        var services = new ServiceCollection();
        services.AddRetention(configuration);
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.That(e!.Failures, Has.One.StartsWith("Retention:LinkHits "));

        var unknown = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Pulses"] = "10.00:00:00",
        }).Build();
        using var other = new ServiceCollection().AddRetention(unknown).BuildServiceProvider();
        var binding = Assert.Throws<SettingsBindingException>(() => _ = other.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.That(binding!.Failures.Single(), Does.Contain("Retention").And.Contain("Pulses"));
    }
}
