using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Evaluation;
using Monitor.Core.Users;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>One person's page for staff: state and score, the acknowledgement and its forms, the timeline, then the sections.</summary>
internal static class UserPage
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    /// <summary>The expiries the form offers, so that a phone needs no date picker and no time zone is guessed.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan?> Expiries = new Dictionary<string, TimeSpan?>
    {
        [""] = null, ["4h"] = TimeSpan.FromHours(4), ["1d"] = TimeSpan.FromDays(1),
        ["3d"] = TimeSpan.FromDays(3), ["7d"] = TimeSpan.FromDays(7),
    };

    public sealed record Model(User User, UserStatus? Status, Acknowledgement? Ack, IReadOnlyList<StoredSignal> Signals,
        IReadOnlyList<StateChange> Changes, IReadOnlyList<string> Sections, Acknowledgement? Lapsed = null);

    /// <summary>The form's values kept on an error.</summary>
    public sealed record Typed(string? Comment, string? Expiry, string Error);

    public static string Render(Model m, string antiforgery, Typed? typed)
    {
        var u = m.User;
        var state = m.Status?.State ?? SatisfactionState.Unknown;
        var html = new StringBuilder(PeoplePages.Nav)
            .Append($"<h1>{E.Encode(u.DisplayName)}</h1>")
            .Append($"<p>{E.Encode(u.Department)} · {E.Encode(u.Site)} · <code>{E.Encode(u.Id)}</code></p>")
            .Append($"<p id=\"state\" class=\"{PeoplePages.Name(state)}\">State <strong>{PeoplePages.Name(state)}</strong>, ")
            .Append($"score <strong>{PeoplePages.Score(m.Status?.Score)}</strong>")
            .Append(m.Status is { } s ? $", since {PeoplePages.When(s.StateSince)}" : "").Append("</p>");
        if (typed is not null) html.Append($"<p class=\"error\" role=\"alert\">{E.Encode(typed.Error)}</p>");
        html.Append(Acknowledgement(m, state, antiforgery, typed)).Append(Timeline(m));
        foreach (var section in m.Sections) html.Append("<section>").Append(section).Append("</section>");
        return html.ToString();
    }

    private static string Acknowledgement(Model m, SatisfactionState state, string antiforgery, Typed? typed)
    {
        var action = $"/console/users/{Uri.EscapeDataString(m.User.Id)}/acknowledgement";
        var html = new StringBuilder("<h2>Acknowledgement</h2><div id=\"acknowledgement\">");
        if (m.Ack is { } a)
        {
            html.Append($"<p>Acknowledged by <strong>{E.Encode(a.By)}</strong> at {PeoplePages.When(a.At)}")
                .Append(a.ExpiresAt is { } e ? $", until {PeoplePages.When(e)}" : "").Append("</p>")
                .Append(a.Comment is { Length: > 0 } c ? $"<blockquote>{E.Encode(c)}</blockquote>" : "")
                .Append($"<form method=\"post\" action=\"{action}/remove\">{antiforgery}")
                .Append("<button type=\"submit\">Remove the acknowledgement</button></form>");
        }
        else if (state == SatisfactionState.Down || typed is not null)
        {
            // The user is still red after the acknowledgement ran out: say whose it was, so that on-call can ask them.
            if (m.Lapsed is { ExpiresAt: { } lapsedAt } l)
            {
                html.Append($"<p id=\"acknowledgement-lapsed\" class=\"error\">The acknowledgement by <strong>{E.Encode(l.By)}</strong> ")
                    .Append($"lapsed at {PeoplePages.When(lapsedAt)} while the user is still down: they page again.</p>");
            }
            html.Append("<p>Not acknowledged.</p>")
                .Append($"<form method=\"post\" action=\"{action}\">{antiforgery}")
                .Append("<p><label for=\"comment\">Comment</label><br><textarea id=\"comment\" name=\"comment\" rows=\"3\" cols=\"30\" ")
                .Append($"maxlength=\"2000\">{E.Encode(typed?.Comment ?? "")}</textarea></p>")
                .Append("<p><label for=\"expiry\">Expires</label><br><select id=\"expiry\" name=\"expiry\">");
            foreach (var (key, span) in Expiries)
            {
                var label = span is null ? "when the user leaves down" : "in " + key.Replace("h", " hours").Replace("d", " days");
                html.Append($"<option value=\"{key}\"{(key == (typed?.Expiry ?? "") ? " selected" : "")}>{E.Encode(label)}</option>");
            }
            html.Append("</select></p><button type=\"submit\">Acknowledge</button></form>");
        }
        else
        {
            html.Append("<p>Only a user who is down can be acknowledged.</p>");
        }
        return html.Append("</div>").ToString();
    }

    private static string Timeline(Model m)
    {
        var items = m.Signals.Select(s => (At: s.Signal.ObservedAt, Html: Signal(s)))
            .Concat(m.Changes.Select(c => (At: c.ChangedAt, Html: Change(c))))
            .OrderByDescending(i => i.At).ToList();
        var html = new StringBuilder("<h2>Timeline</h2>");
        if (items.Count == 0) return html.Append("<p id=\"timeline\">No signal yet.</p>").ToString();
        html.Append("<ol id=\"timeline\" reversed>");
        foreach (var i in items) html.Append(i.Html);
        return html.Append("</ol>").ToString();
    }

    private static string Signal(StoredSignal stored)
    {
        var s = stored.Signal;
        return $"<li class=\"signal\">{PeoplePages.When(s.ObservedAt)} · {E.Encode(s.Kind)} " +
               $"<span title=\"score {Number(s.Score)}\">{Face(s.Score)} {Number(s.Score)}</span>" +
               (s.Comment is { Length: > 0 } c ? $" · “{E.Encode(c)}”" : "") + "</li>";
    }

    private static string Change(StateChange c)
    {
        var html = new StringBuilder($"<li class=\"change\">{PeoplePages.When(c.ChangedAt)} · state ")
            .Append($"<strong>{PeoplePages.Name(c.From)} → {PeoplePages.Name(c.To)}</strong>");
        if (c.Causes.Count > 0)
        {
            html.Append(", because of: <ul class=\"causes\">");
            foreach (var cause in c.Causes)
            {
                html.Append($"<li>{E.Encode(cause.Kind)} {Face(cause.Score)} {Number(cause.Score)} at {PeoplePages.When(cause.ObservedAt)}")
                    .Append($" <small>({E.Encode(cause.Source)})</small></li>");
            }
            html.Append("</ul>");
        }
        return html.Append("</li>").ToString();
    }

    private static string Face(double score) => score >= 0.33 ? "☺" : score <= -0.33 ? "☹" : "~";

    private static string Number(double score) => score.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture);
}
