using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Monitor.Probes;
using Monitor.Worker.Objectives;

namespace Monitor.Tests.Objectives;

/// <summary>The <c>Objectives</c> section: defaults, overrides per group, and every bad target named by its full key.</summary>
public sealed class ObjectivesOptionsTests
{
    private static ObjectivesOptions Read(params (string Key, string Value)[] settings) => ValidatedOptions.Read(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build(),
        ObjectivesOptions.Section, new ObjectivesOptionsValidator());

    [Test]
    public void The_default_is_ninety_percent_for_every_group()
    {
        var o = Read();
        Assert.That(o.Target, Is.EqualTo(0.90));
        Assert.That(o.TargetFor("department", "Finance"), Is.EqualTo(0.90));
    }

    [Test]
    public void Departments_and_sites_override_the_target_each_for_its_own_kind_of_group()
    {
        var o = Read(("Objectives:Target", "0.85"), ("Objectives:Departments:Finance", "0.95"), ("Objectives:Sites:Lyon", "0.8"));
        Assert.That(o.TargetFor("department", "Finance"), Is.EqualTo(0.95));
        Assert.That(o.TargetFor("site", "Finance"), Is.EqualTo(0.85));
        Assert.That(o.TargetFor("site", "Lyon"), Is.EqualTo(0.8));
        Assert.That(o.TargetFor("department", "Lyon"), Is.EqualTo(0.85));
    }

    [Test]
    public void Every_bad_target_is_reported_with_its_full_key()
    {
        var o = new ObjectivesOptions { Target = 1, Departments = { ["Finance"] = 0 }, Sites = { ["Lyon"] = double.NaN, ["Paris"] = 0.9 } };
        var failures = new ObjectivesOptionsValidator().Validate(null, o).Failures!.ToList();
        Assert.That(failures, Has.Count.EqualTo(3));
        Assert.That(failures, Has.One.StartsWith("Objectives:Target must be above 0 and below 1"));
        Assert.That(failures, Has.One.StartsWith("Objectives:Departments:Finance must be above 0 and below 1"));
        Assert.That(failures, Has.One.StartsWith("Objectives:Sites:Lyon must be above 0 and below 1"));
    }

    [Test]
    public void An_unknown_key_is_refused_rather_than_ignored() =>
        Assert.That(() => Read(("Objectives:Traget", "0.9")), Throws.Exception.With.Message.Contains("Traget"));
}
