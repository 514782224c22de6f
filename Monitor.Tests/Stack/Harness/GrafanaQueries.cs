using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Monitor.Tests.Stack.Harness;

/// <summary>A PromQL query Grafana would run, and where it comes from.</summary>
public sealed record GrafanaQuery(string Source, string Expr)
{
    public override string ToString() => Source;
}

/// <summary>Every query of the dashboards and alert rules, with Grafana's variables substituted for a given scenario.</summary>
public static class GrafanaQueries
{
    /// <summary>Values for Grafana's built-in variables, fit for a Prometheus that scrapes every second.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIns = new Dictionary<string, string>
    {
        ["$__rate_interval"] = "1m",
        ["$__interval_ms"] = "15000",
        ["$__interval"] = "15s",
        ["$__range_s"] = "3600",
        ["$__range"] = "1h",
    };

    public static string Substitute(string expr, IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in BuiltIns.Concat(variables.Select(v => new KeyValuePair<string, string>("$" + v.Key, v.Value))).OrderByDescending(v => v.Key.Length))
        {
            expr = expr.Replace("${" + name[1..] + "}", value, StringComparison.Ordinal).Replace(name, value, StringComparison.Ordinal);
        }

        return expr;
    }

    /// <summary>Panel targets and annotation queries of every dashboard.</summary>
    public static IEnumerable<GrafanaQuery> DashboardQueries(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var file in Directory.GetFiles(RepoFiles.PathOf("grafana/dashboards"), "*.json").Order())
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var name = Path.GetFileNameWithoutExtension(file);
            foreach (var panel in Panels(dashboard).Where(p => (string?)p["type"] != "row"))
            {
                foreach (var target in panel["targets"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    yield return new GrafanaQuery($"{name} / {panel["title"]} / {target["refId"]}", Substitute((string)target["expr"]!, variables));
                }
            }

            foreach (var annotation in dashboard["annotations"]?["list"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                if (annotation["expr"] is JsonNode expr)
                {
                    yield return new GrafanaQuery($"{name} / annotation {annotation["name"]}", Substitute((string)expr!, variables));
                }
            }
        }
    }

    /// <summary>The label_values(selector, label) variable queries of every dashboard, substituted.</summary>
    public static IEnumerable<(string Source, string Label, string? Match)> VariableQueries(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var file in Directory.GetFiles(RepoFiles.PathOf("grafana/dashboards"), "*.json").Order())
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            foreach (var variable in dashboard["templating"]?["list"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                if ((string?)variable["type"] == "constant") continue; // a fixed value (the console's URL), no query
                var definition = (string?)variable["definition"] ?? "";
                var match = Regex.Match(definition, @"^label_values\((?:(?<match>.+),\s*)?(?<label>\w+)\)$");
                if (!match.Success)
                {
                    throw new InvalidDataException($"{file}: variable {variable["name"]} is not label_values(...): {definition}");
                }

                yield return ($"{Path.GetFileNameWithoutExtension(file)} / ${variable["name"]}", match.Groups["label"].Value,
                    match.Groups["match"].Success ? Substitute(match.Groups["match"].Value, variables) : null);
            }
        }
    }

    /// <summary>The expressions of the Prometheus alert rules and of the Grafana-managed rules.</summary>
    public static IEnumerable<GrafanaQuery> AlertQueries()
    {
        foreach (var rule in YamlFile.Load("prometheus/rules/satisfaction.rules.yml").List("groups").Maps().SelectMany(g => g.List("rules").Maps()))
        {
            yield return new GrafanaQuery($"Prometheus rule {rule.Str("alert")}", rule.Str("expr")!);
        }

        foreach (var rule in YamlFile.Load("grafana/provisioning/alerting/rules.yml").List("groups").Maps().SelectMany(g => g.List("rules").Maps()))
        {
            foreach (var query in rule.List("data").Maps().Where(d => d.Str("datasourceUid") != "__expr__"))
            {
                yield return new GrafanaQuery($"Grafana rule {rule.Str("title")} / {query.Str("refId")}", query.Map("model").Str("expr")!);
            }
        }
    }

    private static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]!.AsArray().OfType<JsonObject>())
        {
            yield return panel;
            foreach (var child in panel["panels"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                yield return child;
            }
        }
    }
}
