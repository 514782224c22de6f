using Monitor.Core.Dependencies;
using Monitor.Core.Evaluation;
using Monitor.Worker.Dependencies;

namespace Monitor.Tests.Dependencies;

/// <summary>The parent graph, the mapping file and the suppression rule, without I/O.</summary>
public sealed class DependencyGraphTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static DependencyGraph Parse(string csv)
    {
        var (graph, problems) = DependencyMapping.Parse(new StringReader(csv), "deps.csv");
        Assert.That(problems, Is.Empty);
        return graph!;
    }

    private static IReadOnlyList<string> Problems(string csv) => DependencyMapping.Parse(new StringReader(csv), "deps.csv").Problems;

    [Test]
    public void A_user_hangs_under_their_site_and_department_and_everything_above_them_through_chains()
    {
        var graph = Parse("child,parent\ndepartment:Finance,mail\nmail,datacenter-A\nsite:Paris,wan-paris\nwan-paris,datacenter-A\n");
        Assert.That(graph.AncestorsOf("Finance", "Lyon"),
            Is.EquivalentTo(new[] { "department:Finance", "site:Lyon", "mail", "datacenter-A" }));
        Assert.That(graph.AncestorsOf("Sales", "Paris"), Is.EquivalentTo(new[] { "department:Sales", "site:Paris", "wan-paris", "datacenter-A" }));
        Assert.That(DependencyGraph.Empty.AncestorsOf("Sales", "Paris"), Is.EquivalentTo(new[] { "department:Sales", "site:Paris" }));
        Assert.That(graph.Nodes, Is.SupersetOf(new[] { "mail", "datacenter-A", "wan-paris", "department:Finance" }));
    }

    [Test]
    public void A_cycle_is_refused_naming_the_chain_that_closes_it()
    {
        var problems = Problems("child,parent\nmail,datacenter-A\ndatacenter-A,power\npower,mail\nsite:Paris,site:Paris\n");
        Assert.That(problems, Has.Some.Contains("'site:Paris' cannot hang under itself"));
        problems = Problems("child,parent\nmail,datacenter-A\ndatacenter-A,power\npower,mail\n");
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("cycle: datacenter-A → power → mail → datacenter-A"));
    }

    [Test]
    public void Bad_rows_and_a_bad_header_are_refused_with_their_line()
    {
        Assert.That(Problems("from,to\na,b\n"), Has.Some.Contains("must name the columns child and parent"));
        Assert.That(Problems(""), Has.Some.Contains("empty"));
        Assert.That(Problems("child,parent\na,b\n,c\n"), Has.Some.Contains("line 3: child and parent must both be given"));
    }

    private static Incident Open(long id, string parent, DateTimeOffset at) => new(id, parent, "outage", Incident.Staff, null, at, "it");

    [Test]
    public void Only_a_user_who_turned_down_during_an_incident_over_them_is_suppressed()
    {
        var ancestors = Parse("child,parent\ndepartment:Finance,mail\nmail,datacenter-A\n").AncestorsOf("Finance", "Paris");
        var open = new[] { Open(1, "site:Lyon", T0), Open(2, "datacenter-A", T0.AddHours(1)), Open(3, "mail", T0.AddHours(2)) };

        // Down before any incident over them: keeps alerting, annotated with the oldest incident over them.
        var (under, suppressing) = IncidentSuppression.For(ancestors, SatisfactionState.Down, T0, open);
        Assert.That((under?.Id, suppressing), Is.EqualTo(((long?)2, (Incident?)null)));
        // Down after datacenter-A went down (a chain: Finance → mail → datacenter-A): suppressed by it.
        (under, suppressing) = IncidentSuppression.For(ancestors, SatisfactionState.Down, T0.AddHours(1).AddMinutes(5), open);
        Assert.That((under?.Id, suppressing?.Id), Is.EqualTo(((long?)2, (long?)2)));
        // Down before mail's incident but after datacenter-A's: the older one suppresses.
        (_, suppressing) = IncidentSuppression.For(ancestors, SatisfactionState.Down, T0.AddHours(3), open);
        Assert.That(suppressing?.Id, Is.EqualTo(2));
        // Not down: evaluated and under the incident, nothing to suppress.
        (under, suppressing) = IncidentSuppression.For(ancestors, SatisfactionState.Degraded, T0.AddHours(3), open);
        Assert.That((under?.Id, suppressing), Is.EqualTo(((long?)2, (Incident?)null)));
        // An incident on another site does not touch them.
        (under, suppressing) = IncidentSuppression.For(ancestors, SatisfactionState.Down, T0.AddHours(3), [open[0]]);
        Assert.That((under, suppressing), Is.EqualTo(((Incident?)null, (Incident?)null)));
    }
}
