using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Stack.Harness;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

/// <summary>
/// Escalation through a real Prometheus and Alertmanager running the project's rules and routing tree, with the escalation
/// threshold N cut from 4 hours to <see cref="Threshold"/>: the red user reaches on-call first and the second receiver only
/// after N; an acknowledged user never escalates, and acknowledging an escalated one resolves it; a degraded department and a
/// site outage mute their users' escalations; a lapsed acknowledgement reaches on-call.
/// </summary>
[TestFixture]
[Category("Stack")]
[NonParallelizable]
public sealed class EscalationLiveStackTests
{
    /// <summary>The threshold in the rule file the test Prometheus loads (the shipped rule says 4 * 3600).</summary>
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string Red = "ana";           // red from the first scrape, nobody acknowledges: escalates after N
    private const string Acknowledged = "ben";  // red for an hour, acknowledged: never escalates
    private const string Late = "cleo";         // red for an hour: escalates at once, then on-call acknowledges her
    private const string Lapsed = "lars";       // red, on-call's acknowledgement expired a minute ago
    private const string OutageUser = "olaf";   // red for an hour at the site the network monitoring reports down
    private static readonly string[] DegradedUsers = ["dora", "dan", "dirk"]; // 3 of the 4 users of Logistics, red for an hour

    private readonly ConcurrentDictionary<string, bool> _acknowledged = new() { [Acknowledged] = true };
    private LoopbackHttpServer _target = null!;
    private MonitoringStack _stack = null!;
    private string _rules = null!;
    private DateTimeOffset? _firstScrape;
    private readonly ConcurrentDictionary<(string Alert, string User), DateTimeOffset> _firstSeen = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _watch;

    [OneTimeSetUp]
    public async Task StartStack()
    {
        _target = new LoopbackHttpServer(async context =>
        {
            _firstScrape ??= DateTimeOffset.UtcNow;
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(Render(_firstScrape.Value, DateTimeOffset.UtcNow));
        });
        var shipped = RepoFiles.Read("prometheus/rules/satisfaction.rules.yml");
        const string n = "> 4 * 3600";
        Assert.That(shipped.Split(n).Length - 1, Is.EqualTo(1), "the escalation threshold is written once, as the docs say");
        _rules = Path.Combine(TestPaths.NewTempDir("sm-escalation"), "satisfaction.rules.yml");
        await File.WriteAllTextAsync(_rules, shipped.Replace(n, $"> {Threshold.TotalSeconds}", StringComparison.Ordinal));
        _stack = await MonitoringStack.StartAsync(new MonitoringStackOptions
        {
            Target = new Uri(_target.BaseUri, "metrics"),
            RuleFiles = [_rules],
            ExtraRuleFiles = [StackScenario.SiteOutageRuleFile],
        });
        await _stack.WaitForTargetUpAsync(TimeSpan.FromSeconds(30));
        _watch = Task.Run(async () =>
        {
            // When each alert was first notified, to the tenth of a second: the order of the page and its escalation.
            while (!_stop.IsCancellationRequested)
            {
                foreach (var (_, a) in _stack.Webhook.Alerts.Where(a => a.Alert.Status == "firing"))
                    _firstSeen.TryAdd((a.Label("alertname"), a.Label("user")), DateTimeOffset.UtcNow);
                await Task.Delay(100);
            }
        });
    }

    [OneTimeTearDown]
    public async Task StopStack()
    {
        await _stop.CancelAsync();
        if (_watch is not null) await _watch;
        _stop.Dispose();
        if (_stack is not null) await _stack.DisposeAsync();
        if (_target is not null) await _target.DisposeAsync();
    }

    private static bool Matches(NotifiedAlert a, string alertname, string user) =>
        a.Label("alertname") == alertname && a.Label("user") == user;

    [Test]
    public async Task The_red_user_reaches_on_call_first_and_the_second_receiver_only_after_the_threshold()
    {
        var (receiver, escalation) = await _stack.Webhook.WaitForAsync(
            a => Matches(a, "UserDissatisfiedEscalated", Red) && a.Status == "firing", Timeout, "the red user's escalation");
        Assert.That(receiver, Is.EqualTo("escalation"));
        Assert.That(escalation.Label("severity"), Is.EqualTo("critical"));
        Assert.That(escalation.Annotations["runbook"], Is.EqualTo("docs/operations.md#userdissatisfiedescalated"));

        while (!_firstSeen.ContainsKey(("UserDissatisfiedEscalated", Red))) await Task.Delay(50);
        var paged = _firstSeen[("UserDissatisfied", Red)];
        var escalated = _firstSeen[("UserDissatisfiedEscalated", Red)];
        Assert.That(_stack.Webhook.Alerts.First(a => Matches(a.Alert, "UserDissatisfied", Red)).Receiver, Is.EqualTo("on-call-pager"));
        Assert.That(paged, Is.LessThan(escalated), "on-call first");
        // down_since is exported in whole seconds, so the threshold may be reached up to a second before the first scrape + N.
        Assert.That(escalated - _firstScrape!.Value, Is.GreaterThanOrEqualTo(Threshold - TimeSpan.FromSeconds(1)), "not before N");
    }

    [Test]
    public async Task An_acknowledgement_stops_the_escalation_and_an_acknowledged_user_never_escalates()
    {
        var (receiver, _) = await _stack.Webhook.WaitForAsync(
            a => Matches(a, "UserDissatisfiedEscalated", Late) && a.Status == "firing", Timeout, "the late user's escalation");
        Assert.That(receiver, Is.EqualTo("escalation"));

        _acknowledged[Late] = true; // on-call takes it: the worker now exports satisfaction_user_acknowledged for her
        var (resolvedAt, _) = await _stack.Webhook.WaitForAsync(
            a => Matches(a, "UserDissatisfiedEscalated", Late) && a.Status == "resolved", Timeout, "the late user's escalation resolved");
        Assert.That(resolvedAt, Is.EqualTo("escalation"));
        var held = await _stack.Alertmanager.AlertsAsync();
        Assert.That(held.Where(a => a.Labels.GetValueOrDefault("alertname") == "UserDissatisfiedEscalated")
            .Select(a => a.Labels.GetValueOrDefault("user")), Has.None.EqualTo(Acknowledged).And.None.EqualTo(Late));
        Assert.That(_stack.Webhook.Alerts.Select(a => a.Alert).Where(a => a.Label("user") == Acknowledged), Is.Empty,
            _stack.Webhook.Describe());
    }

    [Test]
    public async Task A_degraded_department_and_a_site_outage_mute_their_users_escalations()
    {
        foreach (var user in DegradedUsers.Append(OutageUser))
        {
            var held = await _stack.Alertmanager.WaitForAlertAsync(
                a => a.Labels.GetValueOrDefault("alertname") == "UserDissatisfiedEscalated" && a.Labels.GetValueOrDefault("user") == user
                     && a.State == "suppressed", Timeout, $"suppressed escalation of {user}");
            Assert.That(held.InhibitedBy, Is.Not.Empty, user);
        }

        await _stack.Webhook.WaitForAsync(a => Matches(a, "UserDissatisfiedEscalated", Late), Timeout, "an escalation that is not muted");
        await Task.Delay(TimeSpan.FromSeconds(5)); // two more group intervals: anything not inhibited would have been sent
        var escalated = _stack.Webhook.Alerts.Where(a => a.Alert.Label("alertname") == "UserDissatisfiedEscalated")
            .Select(a => a.Alert.Label("user"));
        Assert.That(escalated, Has.None.AnyOf([.. DegradedUsers, OutageUser]), _stack.Webhook.Describe());
    }

    [Test]
    public async Task A_lapsed_acknowledgement_reaches_on_call_without_saying_who_acknowledged()
    {
        var (receiver, notice) = await _stack.Webhook.WaitForAsync(
            a => Matches(a, "AcknowledgementLapsed", Lapsed), Timeout, "AcknowledgementLapsed");
        Assert.That(receiver, Is.EqualTo("on-call-pager"));
        Assert.That(notice.Labels.Keys,
            Is.SubsetOf(new[] { "alertname", "user", "department", "site", "severity", "routing", "instance", "job" }));
        Assert.That(notice.Annotations["description"], Does.Contain("lapsed").Or.Contain("expiry passed"));
    }

    /// <summary>The escalation series of the scenario in the worker's shape (docs/metrics.md).</summary>
    private string Render(DateTimeOffset firstScrape, DateTimeOffset now)
    {
        var hourAgo = now.AddHours(-1).ToUnixTimeSeconds();
        (string User, string Department, string Site, bool Red, long DownSince)[] users =
        [
            (Red, "Sales", "Paris", true, firstScrape.ToUnixTimeSeconds()),
            (Acknowledged, "Sales", "Paris", true, hourAgo),
            (Late, "Sales", "Lyon", true, hourAgo),
            (Lapsed, "Support", "Paris", true, hourAgo),
            (OutageUser, "Support", StackScenario.OutageSite, true, hourAgo),
            (DegradedUsers[0], "Logistics", "Berlin", true, hourAgo),
            (DegradedUsers[1], "Logistics", "Madrid", true, hourAgo),
            (DegradedUsers[2], "Logistics", "Rome", true, hourAgo),
            ("lily", "Logistics", "Rome", false, 0),
        ];
        static string L(string u, string d, string s) => $"user=\"{u}\",department=\"{d}\",site=\"{s}\"";
        var text = new StringBuilder();
        Gauge(text, "satisfaction_user_up", users.Select(u => (L(u.User, u.Department, u.Site), u.Red ? 0L : 1L)));
        Gauge(text, "satisfaction_user_down_since_timestamp_seconds",
            users.Where(u => u.Red).Select(u => (L(u.User, u.Department, u.Site), u.DownSince)));
        Gauge(text, "satisfaction_user_acknowledged",
            users.Where(u => _acknowledged.ContainsKey(u.User)).Select(u => (L(u.User, u.Department, u.Site), 1L)));
        Gauge(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds",
            users.Where(u => u.User == Lapsed).Select(u => (L(u.User, u.Department, u.Site), now.AddMinutes(-1).ToUnixTimeSeconds())));
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, IEnumerable<(string Labels, long Value)> series)
    {
        text.Append($"# HELP {name} See docs/metrics.md.\n# TYPE {name} gauge\n");
        foreach (var (labels, value) in series)
            text.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
