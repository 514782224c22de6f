using System.Globalization;
using System.Text;

namespace Monitor.Tests.Stack.Harness;

/// <summary>A user of the seeded scenario. <see cref="InitialState"/> holds for the first scrapes, then <see cref="State"/>.</summary>
public sealed record ScenarioUser(
    string User, string Department, string Site, int State, double Score,
    bool Acknowledged = false, bool Flapping = false, int? InitialState = null, bool AcknowledgementLapsed = false);

/// <summary>
/// The scenario the live stack tests seed: who is red, acknowledged, flapping, in a degraded department, at a site with a
/// network outage; a failing probe; pulses without answers. <see cref="RenderMetrics"/> renders it in the shape of the
/// worker's /metrics (docs/metrics.md) for the stub target; a test against the real worker seeds the same users through
/// the directory and signals instead.
/// </summary>
public static class StackScenario
{
    public const string RedUser = "alice";           // Sales, Paris: turns red after the first scrapes, nobody acknowledged
    public const string AcknowledgedUser = "bob";    // red, acknowledged by on-call
    public const string FlappingUser = "carol";      // red, flapping
    public const string DegradedDepartment = "Logistics";
    public const string RedUserSite = "Paris";
    public const int IncidentNumber = 1;       // declared on the red user's site once they are red
    public const string OutageSite = "Oslo";         // the network monitoring reports SiteOutage for it
    public const string OutageSiteUser = "oscar";
    public const string StaleDepartment = "Research";
    public const string FailingProbe = "tickets_jira";
    public const string LapsedUser = "nina";         // Sales, Paris: red, on-call's acknowledgement expired

    /// <summary>How long ago the red users went down, past the escalation threshold; the red user turns red during the test.</summary>
    public static readonly TimeSpan DownFor = TimeSpan.FromHours(5);

    /// <summary>Scrapes during which <see cref="ScenarioUser.InitialState"/> holds (a state change for the annotations).</summary>
    public const int ScrapesBeforeChange = 3;

    public static readonly IReadOnlyList<string> DegradedDepartmentUsers = ["lena", "liam", "luca"];

    public static readonly IReadOnlyList<ScenarioUser> Users =
    [
        new(RedUser, "Sales", "Paris", State: 3, Score: -0.8, InitialState: 1),
        new(AcknowledgedUser, "Sales", "Paris", State: 3, Score: -0.7, Acknowledged: true),
        new(FlappingUser, "Sales", "Lyon", State: 3, Score: -0.5, Flapping: true),
        new(LapsedUser, "Sales", "Paris", State: 3, Score: -0.9, AcknowledgementLapsed: true),
        new("dave", "Sales", "Lyon", State: 2, Score: -0.2),
        new("erin", "Sales", "Paris", State: 1, Score: 0.6),
        new("gina", "Sales", "Paris", State: 1, Score: 0.4),
        new("hank", "Sales", "Paris", State: 2, Score: -0.1),
        new("frank", "Sales", "Lyon", State: 0, Score: 0),
        // A department where 3 of 4 users are red, each at a different site: GroupDegraded(department) mutes them.
        new("lena", DegradedDepartment, "Berlin", State: 3, Score: -0.9),
        new("liam", DegradedDepartment, "Madrid", State: 3, Score: -0.6),
        new("luca", DegradedDepartment, "Rome", State: 3, Score: -0.7),
        new("lily", DegradedDepartment, "Rome", State: 1, Score: 0.3),
        // A red user at a site the network monitoring reports down: SiteOutage mutes him.
        new(OutageSiteUser, "Support", OutageSite, State: 3, Score: -0.6),
        new("olga", "Support", OutageSite, State: 1, Score: 0.5),
        // A department nobody answers in: UsersStale.
        new("rhea", StaleDepartment, "Remote", State: 0, Score: 0),
        new("rick", StaleDepartment, "Remote", State: 0, Score: 0),
        new("rosa", StaleDepartment, "Remote", State: 0, Score: 0),
        new("ravi", StaleDepartment, "Remote", State: 0, Score: 0),
        new("ruth", StaleDepartment, "Remote", State: 0, Score: 0),
    ];

    /// <summary>The SiteOutage alert of the network monitoring the team already runs, as a rule file for the test Prometheus.</summary>
    public static string SiteOutageRuleFile =>
        $$"""
        groups:
          - name: network-monitoring
            rules:
              - alert: SiteOutage
                expr: label_replace(vector(1), "site", "{{OutageSite}}", "", "")
                labels:
                  severity: critical
                  routing: network
        """;

    private static readonly string[] StateNames = ["unknown", "up", "degraded", "down"];

    /// <summary>The scenario in the Prometheus text format, as the worker exports it after <paramref name="scrape"/> scrapes.</summary>
    public static string RenderMetrics(int scrape, DateTimeOffset now)
    {
        var text = new StringBuilder();
        var users = Users.Select(u => u with { State = scrape < ScrapesBeforeChange && u.InitialState is { } s ? s : u.State }).ToList();
        var epoch = now.ToUnixTimeSeconds();

        Gauge(text, "satisfaction_user_up", "1 unless the user is down, 0 when down.",
            users.Select(u => (UserLabels(u), u.State == 3 ? 0d : 1d)));
        Gauge(text, "satisfaction_user_state", "0 unknown, 1 up, 2 degraded, 3 down.", users.Select(u => (UserLabels(u), (double)u.State)));
        Gauge(text, "satisfaction_user_score", "Current score in [-1, +1].", users.Select(u => (UserLabels(u), u.Score)));
        Gauge(text, "satisfaction_user_last_signal_timestamp_seconds", "Unix time of the newest signal; 0 when none.",
            users.Select(u => (UserLabels(u), u.State == 0 ? 0d : u.InitialState is not null && scrape >= ScrapesBeforeChange ? epoch - 1 : epoch - 86_400d)));
        Gauge(text, "satisfaction_user_acknowledged", "Present, value 1, while on-call's acknowledgement holds.",
            users.Where(u => u.Acknowledged).Select(u => (UserLabels(u), 1d)));
        Gauge(text, "satisfaction_user_flapping", "Present, value 1, while the user is flapping.",
            users.Where(u => u.Flapping).Select(u => (UserLabels(u), 1d)));
        // Escalation (the satisfaction-escalation rules): when the red users went down, and the lapsed acknowledgement.
        Gauge(text, "satisfaction_user_down_since_timestamp_seconds", "Present only while the user is down: Unix time the user went down.",
            users.Where(u => u.State == 3)
                .Select(u => (UserLabels(u), u.InitialState is null ? epoch - DownFor.TotalSeconds : epoch - 1d)));
        Gauge(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds",
            "Present only while the acknowledgement of a down user has expired.",
            users.Where(u => u.AcknowledgementLapsed).Select(u => (UserLabels(u), epoch - 600d)));

        // Dependencies (docs/dependencies.md): once the red user is red, IT declares an incident on the red user's site. The red
        // user was red before it opened, so they still page (annotated "during incident 1") and nobody is suppressed.
        if (scrape >= ScrapesBeforeChange)
        {
            Gauge(text, "satisfaction_incident_info", "1 per open incident.",
                [($"incident=\"{IncidentNumber}\",parent=\"site:{RedUserSite}\",source=\"staff\"", 1d)]);
            Gauge(text, "satisfaction_user_incident", "Present while an incident is open on one of the user's parents.",
                users.Where(u => u.User == RedUser).Select(u => (UserLabels(u), (double)IncidentNumber)));
        }

        var groups = users.Select(u => ("department", u.Department, u)).Concat(users.Select(u => ("site", u.Site, u)))
            .GroupBy(g => (Type: g.Item1, Name: g.Item2), g => g.u).ToList();
        Gauge(text, "satisfaction_group_users", "Users in the group per state.",
            groups.SelectMany(g => StateNames.Select((state, value) =>
                ($"group_type=\"{g.Key.Type}\",group=\"{g.Key.Name}\",state=\"{state}\"", (double)g.Count(u => u.State == value)))));
        Gauge(text, "satisfaction_group_score", "Mean score of the group's users, where enough users have a score.",
            groups.Where(g => g.Count(u => u.State != 0) >= 5)
                .Select(g => ($"group_type=\"{g.Key.Type}\",group=\"{g.Key.Name}\"", g.Where(u => u.State != 0).Average(u => u.Score))));
        // Experience objectives (docs/objectives.md): nobody of the scenario is in downtime, so eligible = known state.
        Gauge(text, "satisfaction_objective_users_eligible", "Users of the group in a known state and not in downtime.",
            groups.Select(g => ($"group_type=\"{g.Key.Type}\",group=\"{g.Key.Name}\"", (double)g.Count(u => u.State != 0))));
        Gauge(text, "satisfaction_objective_users_down", "Users of the group down and not in downtime.",
            groups.Select(g => ($"group_type=\"{g.Key.Type}\",group=\"{g.Key.Name}\"", (double)g.Count(u => u.State == 3))));
        Gauge(text, "satisfaction_objective_target", "The share of eligible users not down the group is held to.",
            groups.Select(g => ($"group_type=\"{g.Key.Type}\",group=\"{g.Key.Name}\"", 0.9)));

        string[] probes = ["directory", "pulse", FailingProbe];
        Gauge(text, "satisfaction_probe_success", "1 when the last run succeeded.", probes.Select(p => ($"probe=\"{p}\"", p == FailingProbe ? 0d : 1d)));
        Gauge(text, "satisfaction_probe_duration_seconds", "How long the last run took.", probes.Select(p => ($"probe=\"{p}\"", 0.25)));
        Gauge(text, "satisfaction_probe_last_success_timestamp_seconds", "Unix time of the last successful run.",
            probes.Select(p => ($"probe=\"{p}\"", p == FailingProbe ? epoch - 7200d : epoch - 60d)));

        Counter(text, "satisfaction_signals_received_total", "Signals stored.", [("kind=\"pulse_answer\"", 12), ("kind=\"ticket_csat\"", 30 + scrape)]);
        Counter(text, "satisfaction_signals_rejected_total", "Signals refused as invalid.", [("reason=\"malformed\"", 1)]);
        Counter(text, "satisfaction_state_changes_total", "State changes logged.", [("to=\"down\"", 7), ("to=\"up\"", 3)]);
        Counter(text, "satisfaction_pulses_sent_total", "Pulse e-mails handed to the mail server.", [("", 100 + (5 * scrape))]);
        Counter(text, "satisfaction_pulse_answers_total", "Human answers recorded.", [("", 12)]);
        Counter(text, "satisfaction_link_scanner_hits_total", "Link fetches judged to be a mail scanner.", [("reason=\"head_request\"", 4), ("reason=\"too_fast\"", 2)]);
        Gauge(text, "satisfaction_outbox_backlog", "Messages waiting in the outbox.", [("", 3)]);
        Gauge(text, "satisfaction_pulse_response_ratio", "Answered / expired-or-answered pulses over 30 days.", [("", 0.12)]);
        Counter(text, "satisfaction_tickets_processed_total", "Tickets read by a ticket probe.", [($"probe=\"{FailingProbe}\"", 40), ("probe=\"tickets_glpi\"", 10 + scrape)]);
        Counter(text, "satisfaction_ticket_comments_processed_total", "Requester comments turned into signals.", [($"probe=\"{FailingProbe}\"", 9)]);
        Counter(text, "satisfaction_ticket_records_rejected_total", "Malformed tickets or payloads skipped.", [($"probe=\"{FailingProbe}\"", 1)]);
        Gauge(text, "satisfaction_directory_users", "Users currently in the directory.", [("", users.Count)]);
        Counter(text, "satisfaction_directory_rows_rejected_total", "Malformed directory rows.", [("", 0)]);
        Gauge(text, "satisfaction_evaluation_duration_seconds", "Duration of the last evaluation cycle.", [("", 0.05)]);
        Gauge(text, "satisfaction_evaluation_users_evaluated", "Users evaluated in the last cycle.", [("", users.Count)]);
        // The value report (docs/value.md): two departments and the overall group, every dimension.
        string[] valueGroups = ["group_type=\"department\",group=\"Sales\"", "group_type=\"department\",group=\"Finance\"",
            "group_type=\"overall\",group=\"all\""];
        string[] dimensions = ["you", "team", "business"];
        Gauge(text, "satisfaction_rank_gap", "Management's mean value answer minus individual contributors'.",
            valueGroups.SelectMany(g => dimensions.Select(d => ($"{g},dimension=\"{d}\"", d == "business" ? 0.6 : -0.2))));
        Gauge(text, "satisfaction_group_value_score", "Mean value answer by group, dimension and rank.",
            valueGroups.SelectMany(g => dimensions.SelectMany(d => new[] { "individual_contributor", "management" }
                .Select(r => ($"{g},dimension=\"{d}\",rank=\"{r}\"", r == "management" ? 0.5 : 0.1)))));
        RenderLoop(text, users, epoch);
        return text.ToString();
    }

    /// <summary>
    /// Closing the loop: nobody visited the red users (last contact 0, never), Sales was visited an hour ago and every
    /// other department never; two negative comments wait for an action; visits, actions and their timing for the board.
    /// </summary>
    private static void RenderLoop(StringBuilder text, IReadOnlyList<ScenarioUser> users, long epoch)
    {
        Gauge(text, "satisfaction_console_info", "Where the IT staff console is reached.", [("url=\"http://console.example\"", 1)]);
        Gauge(text, "satisfaction_user_last_contact_timestamp_seconds", "Unix time of the last visit or call; 0 when none.",
            users.Select(u => (UserLabels(u), u.State == 3 ? 0d : epoch - 86_400d)));
        var departments = users.Select(u => u.Department).Distinct().ToList();
        Gauge(text, "satisfaction_group_last_contact_timestamp_seconds", "Unix time of the group's last visit; 0 when none.",
            departments.Select(d => ($"group_type=\"department\",group=\"{d}\"", d == "Sales" ? epoch - 3600d : 0d)));
        Gauge(text, "satisfaction_group_contacted_ratio", "Share of the group's users contacted in the last 30 days.",
            departments.Select(d => ($"group_type=\"department\",group=\"{d}\"", d == "Sales" ? 0.25 : 0d)));
        Gauge(text, "satisfaction_red_users_visited_ratio", "Share of red users visited within 3 working days.", [("", 0.5)]);
        Gauge(text, "satisfaction_feedback_without_action", "Negative comments older than 60 days without an action.", [("", 2)]);
        // The experience board (docs/pulse.md, "Why and time lost").
        Gauge(text, "satisfaction_pulse_factor_answers", "Answers by the factor people said they were mostly about.",
            [("factor=\"network\",sentiment=\"bad\"", 3), ("factor=\"friendliness\",sentiment=\"good\"", 5)]);
        Gauge(text, "satisfaction_group_lost_time_answers", "Answers about work time lost because of IT, by group.",
            [("group_type=\"department\",group=\"Sales\",lost_time=\"few_hours\"", 2),
             ("group_type=\"site\",group=\"Paris\",lost_time=\"under_hour\"", 4)]);
        Gauge(text, "satisfaction_visits", "Visits in the last 30 days by kind.", [("kind=\"walk_by\"", 4), ("kind=\"call\"", 2)]);
        Gauge(text, "satisfaction_actions", "Actions by status.", [("status=\"open\"", 3), ("status=\"shipped\"", 5)]);
        Gauge(text, "satisfaction_last_action_shipped_timestamp_seconds", "Unix time the last action was shipped.",
            [("", epoch - 172_800d)]);
        text.Append("# HELP satisfaction_action_feedback_age_at_ship_seconds Age of the feedback when its action shipped.\n")
            .Append("# TYPE satisfaction_action_feedback_age_at_ship_seconds histogram\n");
        foreach (var (le, count) in new[] { ("86400", 1), ("604800", 3), ("2592000", 5), ("+Inf", 5) })
            text.Append($"satisfaction_action_feedback_age_at_ship_seconds_bucket{{le=\"{le}\"}} {count}\n");
        text.Append("satisfaction_action_feedback_age_at_ship_seconds_sum 3000000\n")
            .Append("satisfaction_action_feedback_age_at_ship_seconds_count 5\n");
    }

    private static string UserLabels(ScenarioUser u) => $"user=\"{u.User}\",department=\"{u.Department}\",site=\"{u.Site}\"";

    private static void Gauge(StringBuilder text, string name, string help, IEnumerable<(string Labels, double Value)> series) =>
        Family(text, name, help, "gauge", series);

    private static void Counter(StringBuilder text, string name, string help, IEnumerable<(string Labels, double Value)> series) =>
        Family(text, name, help, "counter", series);

    private static void Family(StringBuilder text, string name, string help, string type, IEnumerable<(string Labels, double Value)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in series)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
