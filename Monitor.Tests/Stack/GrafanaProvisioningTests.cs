using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

[TestFixture]
[Category("Stack")]
public class GrafanaProvisioningTests
{
    public const string DatasourceUid = "satisfaction-prometheus";

    /// <summary>The dashboards' uids are part of the product: links, alert annotations and bookmarks use them.</summary>
    public static readonly IReadOnlyDictionary<string, string> StableDashboardUids = new Dictionary<string, string>
    {
        ["satisfaction-overview.json"] = "satisfaction-overview",
        ["satisfaction-user.json"] = "satisfaction-user",
        ["satisfaction-probes.json"] = "satisfaction-probes",
        ["satisfaction-value.json"] = "satisfaction-value",
        ["satisfaction-experience.json"] = "satisfaction-experience",
        ["satisfaction-objectives.json"] = "satisfaction-objectives",
    };

    public static readonly IReadOnlyDictionary<string, string> StableAlertRuleUids = new Dictionary<string, string>
    {
        ["UserDissatisfied"] = "satisfaction-user-dissatisfied",
        ["GroupDegraded"] = "satisfaction-group-degraded",
        ["UsersStale"] = "satisfaction-users-stale",
        ["ProbeFailing"] = "satisfaction-probe-failing",
        ["PulseChannelSilent"] = "satisfaction-pulse-channel-silent",
        ["RedUserNotVisited"] = "satisfaction-red-user-not-visited",
        ["DepartmentNotVisited"] = "satisfaction-department-not-visited",
        ["FeedbackWithoutAction"] = "satisfaction-feedback-without-action",
        ["ParentDown"] = "satisfaction-parent-down",
        ["UserDissatisfiedEscalated"] = "satisfaction-user-dissatisfied-escalated",
        ["AcknowledgementLapsed"] = "satisfaction-acknowledgement-lapsed",
        ["ObjectiveBudgetBurnFast"] = "satisfaction-objective-budget-burn-fast",
        ["ObjectiveBudgetBurnSlow"] = "satisfaction-objective-budget-burn-slow",
    };

    private static readonly string[] ProvisioningFiles =
    [
        "grafana/provisioning/datasources/prometheus.yml",
        "grafana/provisioning/dashboards/provider.yml",
        "grafana/provisioning/alerting/rules.yml",
        "grafana/provisioning/alerting/contact-points.yml",
        "grafana/provisioning/alerting/policies.yml",
    ];

    public static IEnumerable<(string File, JsonObject Dashboard)> Dashboards() =>
        Directory.GetFiles(RepoFiles.PathOf("grafana/dashboards"), "*.json").Order()
            .Select(f => (Path.GetFileName(f), (JsonObject)JsonNode.Parse(File.ReadAllText(f))!));

    /// <summary>Every panel of a dashboard, rows' nested panels included.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]!.AsArray().OfType<JsonObject>())
        {
            yield return panel;
            if (panel["panels"] is JsonArray nested)
            {
                foreach (var child in nested.OfType<JsonObject>())
                {
                    yield return child;
                }
            }
        }
    }

    public static IEnumerable<Dictionary<object, object>> GrafanaAlertRules() =>
        YamlFile.Load("grafana/provisioning/alerting/rules.yml").List("groups").Maps().SelectMany(g => g.List("rules").Maps());

    /// <summary>The alerts (not the recording rules) of the rule files the Grafana copy mirrors.</summary>
    public static IEnumerable<Dictionary<object, object>> PrometheusAlertRules() =>
        new[] { "prometheus/rules/satisfaction.rules.yml", "prometheus/rules/objectives.rules.yml" }
            .SelectMany(f => YamlFile.Load(f).List("groups").Maps().SelectMany(g => g.List("rules").Maps()))
            .Where(r => r.ContainsKey("alert"));

    [Test]
    public void Every_provisioning_file_is_yaml_with_api_version_1()
    {
        var files = Directory.GetFiles(RepoFiles.PathOf("grafana/provisioning"), "*.yml", SearchOption.AllDirectories);
        Assert.That(files.Select(f => Path.GetRelativePath(RepoFiles.Root, f).Replace('\\', '/')), Is.SupersetOf(ProvisioningFiles));
        foreach (var file in files)
        {
            var doc = YamlFile.Load(Path.GetRelativePath(RepoFiles.Root, file));
            Assert.That(doc.Str("apiVersion"), Is.EqualTo("1"), file);
        }
    }

    [Test]
    public void The_datasource_is_prometheus_with_the_fixed_uid()
    {
        var datasources = YamlFile.Load("grafana/provisioning/datasources/prometheus.yml").List("datasources").Maps().ToList();
        Assert.That(datasources, Has.Count.EqualTo(1));
        Assert.That(datasources[0].Str("uid"), Is.EqualTo(DatasourceUid));
        Assert.That(datasources[0].Str("type"), Is.EqualTo("prometheus"));
        Assert.That(datasources[0].Str("url"), Does.StartWith("http://"));
    }

    [Test]
    public void The_dashboard_provider_loads_the_folder_compose_mounts_the_dashboards_at()
    {
        var provider = YamlFile.Load("grafana/provisioning/dashboards/provider.yml").List("providers").Maps().Single();
        Assert.That(provider.Str("type"), Is.EqualTo("file"));
        var path = provider.Map("options").Str("path");
        var grafanaVolumes = YamlFile.Load("docker-compose.yml").Map("services").Map("grafana").List("volumes").Select(v => v.ToString()!);
        Assert.That(grafanaVolumes, Has.Some.EqualTo($"./grafana/dashboards:{path}:ro"));
    }

    [Test]
    public void Every_dashboard_is_current_grafana_json_with_its_stable_uid()
    {
        var dashboards = Dashboards().ToList();
        Assert.That(dashboards.Select(d => d.File), Is.EquivalentTo(StableDashboardUids.Keys));
        foreach (var (file, dashboard) in dashboards)
        {
            Assert.That((string?)dashboard["uid"], Is.EqualTo(StableDashboardUids[file]), file);
            Assert.That((int?)dashboard["schemaVersion"], Is.GreaterThanOrEqualTo(39), file);
            Assert.That((string?)dashboard["title"], Is.Not.Empty, file);
            var ids = Panels(dashboard).Select(p => (int)p["id"]!).ToList();
            Assert.That(ids, Is.Unique, $"{file}: panel ids");
        }

        var uids = dashboards.Select(d => (string)d.Dashboard["uid"]!).Concat(GrafanaAlertRules().Select(r => r.Str("uid")!)).ToList();
        Assert.That(uids, Is.Unique);
    }

    [Test]
    public void Every_datasource_reference_is_the_provisioned_prometheus()
    {
        foreach (var (file, dashboard) in Dashboards())
        {
            var references = new List<JsonNode>();
            Collect(dashboard, "datasource", references);
            Assert.That(references, Is.Not.Empty, file);
            foreach (var reference in references)
            {
                Assert.That(reference, Is.InstanceOf<JsonObject>(), $"{file}: {reference.GetPath()} must be an object with type and uid");
                Assert.That((string?)reference["type"], Is.EqualTo("prometheus"), $"{file}: {reference.GetPath()}");
                Assert.That((string?)reference["uid"], Is.EqualTo(DatasourceUid), $"{file}: {reference.GetPath()}");
            }
        }

        foreach (var rule in GrafanaAlertRules())
        {
            foreach (var query in rule.List("data").Maps())
            {
                Assert.That(query.Str("datasourceUid"), Is.AnyOf(DatasourceUid, "__expr__"), rule.Str("title"));
                var model = query.Map("model");
                var expected = query.Str("datasourceUid") == DatasourceUid ? "prometheus" : "__expr__";
                Assert.That(model.Map("datasource").Str("type"), Is.EqualTo(expected), rule.Str("title"));
                Assert.That(model.Map("datasource").Str("uid"), Is.EqualTo(query.Str("datasourceUid")), rule.Str("title"));
            }
        }
    }

    [Test]
    public void Every_panel_has_a_query()
    {
        foreach (var (file, dashboard) in Dashboards())
        {
            foreach (var panel in Panels(dashboard).Where(p => (string?)p["type"] != "row"))
            {
                var targets = panel["targets"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
                Assert.That(targets, Is.Not.Empty, $"{file}: panel '{panel["title"]}' has no query");
                Assert.That(targets.Select(t => (string?)t["expr"]), Has.All.Not.Null.And.Not.Empty, $"{file}: panel '{panel["title"]}'");
                Assert.That(targets.Select(t => (string?)t["refId"]), Is.Unique, $"{file}: panel '{panel["title"]}'");
            }
        }
    }

    [Test]
    public void The_user_status_grid_is_mapped_to_the_four_states_and_links_to_the_user_dashboard()
    {
        var overview = Dashboards().Single(d => d.File == "satisfaction-overview.json").Dashboard;
        var grid = Panels(overview).Single(p => (string?)p["type"] == "status-history" && ((string?)p["title"])!.Contains("Users", StringComparison.Ordinal));
        var options = grid["fieldConfig"]!["defaults"]!["mappings"]![0]!["options"]!;
        Assert.That((string?)options["0"]!["text"], Is.EqualTo("UNKNOWN"));
        Assert.That((string?)options["1"]!["text"], Is.EqualTo("UP"));
        Assert.That((string?)options["1"]!["color"], Is.EqualTo("green"));
        Assert.That((string?)options["2"]!["text"], Is.EqualTo("DEGRADED"));
        Assert.That((string?)options["3"]!["text"], Is.EqualTo("DOWN"));
        Assert.That((string?)options["3"]!["color"], Is.EqualTo("red"));
        var link = (string?)grid["fieldConfig"]!["defaults"]!["links"]![0]!["url"];
        Assert.That(link, Does.StartWith("/d/satisfaction-user/").And.Contain("var-user=${__field.labels.user}"));

        var user = Dashboards().Single(d => d.File == "satisfaction-user.json").Dashboard;
        var variable = user["templating"]!["list"]!.AsArray().Single(v => (string?)v!["name"] == "user")!;
        Assert.That((string?)variable["definition"], Does.StartWith("label_values(satisfaction_user_state"));
    }

    [Test]
    public void Every_dashboard_link_points_at_a_provisioned_dashboard()
    {
        var uids = StableDashboardUids.Values.ToHashSet();
        var urls = new List<string>();
        foreach (var (_, dashboard) in Dashboards())
        {
            var nodes = new List<JsonNode>();
            Collect(dashboard, "url", nodes);
            urls.AddRange(nodes.Select(n => n.ToString()).Where(u => u.StartsWith("/d/", StringComparison.Ordinal)));
        }

        urls.AddRange(GrafanaAlertRules().Concat(PrometheusAlertRules()).Select(r => r.Map("annotations").Str("dashboard")!));
        Assert.That(urls, Is.Not.Empty);
        foreach (var url in urls)
        {
            var uid = Regex.Match(url, "^/d/([^/]+)/").Groups[1].Value;
            Assert.That(uids, Does.Contain(uid), url);
        }
    }

    [Test]
    public void State_changes_are_annotations_from_a_promql_query()
    {
        var overview = Dashboards().Single(d => d.File == "satisfaction-overview.json").Dashboard;
        var annotations = overview["annotations"]!["list"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.That(annotations.Select(a => (string?)a["expr"]), Has.Some.Contains("changes(satisfaction_user_state"));
    }

    [Test]
    public void The_grafana_rules_are_the_prometheus_alerts_with_stable_uids()
    {
        var prometheus = PrometheusAlertRules().ToDictionary(r => r.Str("alert")!);
        var grafana = GrafanaAlertRules().ToList();
        Assert.That(grafana.Select(r => r.Str("title")), Is.EquivalentTo(StableAlertRuleUids.Keys));
        Assert.That(prometheus.Keys, Is.EquivalentTo(StableAlertRuleUids.Keys));
        foreach (var rule in grafana)
        {
            var title = rule.Str("title")!;
            var twin = prometheus[title];
            Assert.That(rule.Str("uid"), Is.EqualTo(StableAlertRuleUids[title]));
            var data = rule.List("data").Maps().ToList();
            Assert.That(data.Select(d => d.Str("refId")), Does.Contain(rule.Str("condition")), title);
            var promql = data.Single(d => d.Str("datasourceUid") == DatasourceUid).Map("model").Str("expr");
            Assert.That(promql?.Trim(), Is.EqualTo(twin.Str("expr")?.Trim()), $"{title}: Grafana and Prometheus expressions differ");
            Assert.That(rule.Str("for"), Is.EqualTo(twin.Str("for")), title);
            Assert.That(rule.Map("labels"), Is.EquivalentTo(twin.Map("labels")), title);
            Assert.That(rule.Map("annotations").Keys, Is.EquivalentTo(twin.Map("annotations").Keys), title);
            Assert.That(rule.Str("noDataState"), Is.EqualTo("OK"), title);
        }
    }

    [Test]
    public void Every_alert_tells_on_call_what_to_do_and_carries_severity_and_routing()
    {
        foreach (var rule in PrometheusAlertRules())
        {
            var name = rule.Str("alert");
            Assert.That(rule.Map("labels").Str("severity"), Is.AnyOf("critical", "warning", "info"), name);
            Assert.That(rule.Map("labels").Str("routing"), Is.AnyOf("service-desk", "monitoring", "team", "escalation"), name);
            var annotations = rule.Map("annotations");
            Assert.That(annotations.Str("summary"), Is.Not.Empty, name);
            Assert.That(annotations.Str("description")?.Length, Is.GreaterThan(100), name);
            var anchor = annotations.Str("runbook")!;
            Assert.That(anchor, Does.StartWith("docs/operations.md#"), name);
            Assert.That(RepoFiles.Read("docs/operations.md"), Does.Contain("### " + name), $"{name}: no section in docs/operations.md");
        }
    }

    [Test]
    public void The_notification_policies_name_only_provisioned_contact_points()
    {
        var contactPoints = YamlFile.Load("grafana/provisioning/alerting/contact-points.yml").List("contactPoints").Maps().Select(c => c.Str("name")).ToHashSet();
        var root = YamlFile.Load("grafana/provisioning/alerting/policies.yml").List("policies").Maps().Single();
        var receivers = new List<string?> { root.Str("receiver") };
        receivers.AddRange(root.ListOrEmpty("routes").Maps().Select(r => r.Str("receiver")));
        Assert.That(contactPoints, Is.SupersetOf(receivers.Distinct()));
    }

    private static void Collect(JsonNode? node, string property, List<JsonNode> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == property && value is not null)
                    {
                        found.Add(value);
                    }
                    else
                    {
                        Collect(value, property, found);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, property, found);
                }

                break;
        }
    }
}
