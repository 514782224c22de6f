using Monitor.Tests.Stack.Harness;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

/// <summary>
/// The seeded scenario (<see cref="StackScenario"/>) watched by a real Prometheus and Alertmanager with the project's rules,
/// routes and inhibit rules. A subclass supplies the target: <see cref="StubLiveStackTests"/> a stub serving the scenario's
/// metrics; a test against the real worker starts it, seeds the same users and returns its internal /metrics URL.
/// </summary>
[Category("Stack")]
[NonParallelizable]
public abstract class LiveStackTestsBase
{
    protected static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(45);

    protected MonitoringStack Stack { get; private set; } = null!;

    /// <summary>Variables for the dashboards' queries: the scenario's red user and every department, site and probe.</summary>
    protected virtual IReadOnlyDictionary<string, string> DashboardVariables { get; } = new Dictionary<string, string>
    {
        ["user"] = StackScenario.RedUser,
        ["department"] = ".*",
        ["site"] = ".*",
        ["probe"] = ".*",
        ["group"] = ".*",
    };

    /// <summary>Starts the target that exports the scenario and returns its /metrics URL.</summary>
    protected abstract Task<Uri> StartTargetAsync();

    protected abstract ValueTask StopTargetAsync();

    [OneTimeSetUp]
    public async Task StartStack()
    {
        var target = await StartTargetAsync();
        Stack = await MonitoringStack.StartAsync(new MonitoringStackOptions
        {
            Target = target,
            ExtraRuleFiles = [StackScenario.SiteOutageRuleFile],
        });
        await Stack.WaitForTargetUpAsync(TimeSpan.FromSeconds(30));
    }

    [OneTimeTearDown]
    public async Task StopStack()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        await StopTargetAsync();
    }

    private static bool IsUserAlert(NotifiedAlert alert, string user) =>
        alert.Label("alertname") == "UserDissatisfied" && alert.Label("user") == user;

    /// <summary>Waits for the notifications that show the alerts have gone through Alertmanager's grouping and inhibition.</summary>
    private async Task WaitUntilNotificationsSettleAsync()
    {
        await Stack.Webhook.WaitForAsync(a => IsUserAlert(a, StackScenario.RedUser), AlertTimeout, "UserDissatisfied for the red user");
        await Stack.Webhook.WaitForAsync(
            a => a.Label("alertname") == "GroupDegraded" && a.Label("department") == StackScenario.DegradedDepartment,
            AlertTimeout, "GroupDegraded for the degraded department");
        // two more group intervals: anything not inhibited would have been sent by now
        await Task.Delay(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task A_red_user_nobody_acknowledged_pages_on_call()
    {
        var (receiver, alert) = await Stack.Webhook.WaitForAsync(a => IsUserAlert(a, StackScenario.RedUser), AlertTimeout, "UserDissatisfied for the red user");
        Assert.That(receiver, Is.EqualTo("on-call-pager"));
        Assert.That(alert.Status, Is.EqualTo("firing"));
        Assert.That(alert.Label("severity"), Is.EqualTo("critical"));
        Assert.That(alert.Annotations["dashboard"], Does.Contain($"var-user={StackScenario.RedUser}"));
    }

    [Test]
    public async Task An_acknowledged_or_flapping_user_does_not_page()
    {
        await WaitUntilNotificationsSettleAsync();
        var firing = await Stack.Prometheus.QueryAsync("ALERTS{alertname=\"UserDissatisfied\"}");
        var users = firing.Series.Select(s => s["user"]).ToList();
        Assert.That(users, Does.Contain(StackScenario.RedUser));
        Assert.That(users, Does.Not.Contain(StackScenario.AcknowledgedUser).And.Not.Contain(StackScenario.FlappingUser));
        // RedUserNotVisited (routing="team") reaches the team for acknowledged users too, by design: it is not a page.
        Assert.That(Stack.Webhook.Alerts.Where(a => a.Alert.Label("routing") != "team").Select(a => a.Alert.Label("user")),
            Does.Not.Contain(StackScenario.AcknowledgedUser).And.Not.Contain(StackScenario.FlappingUser), Stack.Webhook.Describe());
    }

    [Test]
    public async Task A_degraded_department_pages_once_and_mutes_its_users()
    {
        var (receiver, group) = await Stack.Webhook.WaitForAsync(
            a => a.Label("alertname") == "GroupDegraded" && a.Label("department") == StackScenario.DegradedDepartment,
            AlertTimeout, "GroupDegraded for the degraded department");
        Assert.That(receiver, Is.EqualTo("on-call-pager"));
        Assert.That(group.Label("group_type"), Is.EqualTo("department"));

        foreach (var user in StackScenario.DegradedDepartmentUsers)
        {
            var held = await Stack.Alertmanager.WaitForAlertAsync(
                a => a.Labels.GetValueOrDefault("alertname") == "UserDissatisfied" && a.Labels.GetValueOrDefault("user") == user && a.State == "suppressed",
                AlertTimeout, $"suppressed UserDissatisfied for {user}");
            Assert.That(held.InhibitedBy, Is.Not.Empty, user);
        }

        await WaitUntilNotificationsSettleAsync();
        Assert.That(Stack.Webhook.Alerts.Where(a => a.Alert.Label("alertname") == "UserDissatisfied").Select(a => a.Alert.Label("user")),
            Has.None.AnyOf(StackScenario.DegradedDepartmentUsers.ToArray()), Stack.Webhook.Describe());
    }

    [Test]
    public async Task A_site_outage_from_the_network_monitoring_mutes_that_site_users()
    {
        var held = await Stack.Alertmanager.WaitForAlertAsync(
            a => a.Labels.GetValueOrDefault("alertname") == "UserDissatisfied" && a.Labels.GetValueOrDefault("user") == StackScenario.OutageSiteUser && a.State == "suppressed",
            AlertTimeout, $"suppressed UserDissatisfied for {StackScenario.OutageSiteUser}");
        Assert.That(held.Labels["site"], Is.EqualTo(StackScenario.OutageSite));
        Assert.That(held.InhibitedBy, Is.Not.Empty);

        await WaitUntilNotificationsSettleAsync();
        Assert.That(Stack.Webhook.Alerts.Where(a => a.Alert.Label("routing") != "team").Select(a => a.Alert.Label("user")),
            Does.Not.Contain(StackScenario.OutageSiteUser), Stack.Webhook.Describe());
    }

    [Test]
    public async Task Probe_pulse_and_stale_alerts_reach_the_monitoring_team()
    {
        var probe = await Stack.Webhook.WaitForAsync(a => a.Label("alertname") == "ProbeFailing", AlertTimeout, "ProbeFailing");
        Assert.That(probe.Alert.Label("probe"), Is.EqualTo(StackScenario.FailingProbe));
        Assert.That(probe.Receiver, Is.EqualTo("monitoring-team"));

        var silent = await Stack.Webhook.WaitForAsync(a => a.Label("alertname") == "PulseChannelSilent", AlertTimeout, "PulseChannelSilent");
        Assert.That(silent.Receiver, Is.EqualTo("monitoring-team"));

        var stale = await Stack.Webhook.WaitForAsync(
            a => a.Label("alertname") == "UsersStale" && a.Label("department") == StackScenario.StaleDepartment, AlertTimeout, "UsersStale");
        Assert.That(stale.Receiver, Is.EqualTo("monitoring-team"));
    }

    [Test]
    public async Task Every_dashboard_panel_query_returns_data_for_the_seeded_scenario()
    {
        // the red user's state change and the alerts must be in Prometheus before the annotations have data
        await Stack.Prometheus.WaitForDataAsync($"changes(satisfaction_user_state{{user=\"{StackScenario.RedUser}\"}}[2m]) > 0", AlertTimeout);
        await Stack.Prometheus.WaitForDataAsync($"ALERTS{{alertname=\"UserDissatisfied\",alertstate=\"firing\",user=\"{StackScenario.RedUser}\"}}", AlertTimeout);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few more scrapes for the rates

        var queries = GrafanaQueries.DashboardQueries(DashboardVariables).ToList();
        Assert.That(queries, Has.Count.GreaterThan(30));
        var failures = new List<string>();
        foreach (var query in queries)
        {
            var result = await Stack.Prometheus.QueryAsync(query.Expr);
            if (!result.IsSuccess)
            {
                failures.Add($"{query}: error {result.Error}\n    {query.Expr}");
            }
            else if (result.IsEmpty)
            {
                failures.Add($"{query}: no data\n    {query.Expr}");
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    [Test]
    public async Task Every_dashboard_variable_finds_values()
    {
        await Stack.WaitForTargetUpAsync(AlertTimeout);
        foreach (var (source, label, match) in GrafanaQueries.VariableQueries(DashboardVariables))
        {
            var values = await Stack.Prometheus.LabelValuesAsync(label, match);
            Assert.That(values, Is.Not.Empty, source);
        }

        var users = await Stack.Prometheus.LabelValuesAsync("user", "satisfaction_user_state");
        Assert.That(users, Does.Contain(StackScenario.RedUser));
    }

    [Test]
    public async Task Every_alert_expression_returns_data_for_the_seeded_scenario()
    {
        await Stack.Prometheus.WaitForDataAsync("ALERTS{alertname=\"PulseChannelSilent\"}", AlertTimeout);
        var failures = new List<string>();
        foreach (var query in GrafanaQueries.AlertQueries())
        {
            var result = await Stack.Prometheus.QueryAsync(query.Expr);
            if (!result.IsSuccess || result.IsEmpty)
            {
                failures.Add($"{query}: {(result.IsSuccess ? "no data" : "error " + result.Error)}");
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }
}

/// <summary>The live stack against a stub that serves the scenario in the worker's metrics shape.</summary>
[TestFixture]
public sealed class StubLiveStackTests : LiveStackTestsBase, IAsyncDisposable
{
    private StubMetricsTarget? _target;

    protected override Task<Uri> StartTargetAsync()
    {
        _target = new StubMetricsTarget();
        return Task.FromResult(_target.MetricsUri);
    }

    protected override async ValueTask StopTargetAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
            _target = null;
        }
    }

    public ValueTask DisposeAsync() => StopTargetAsync();
}
