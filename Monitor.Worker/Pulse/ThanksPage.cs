using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>What the thank-you page shows: the recorded answer, what the person typed or chose, and an error if any.</summary>
internal sealed record ThanksForm(string Question, int QuestionIndex, PulseAnswer Answer, string RespondToken, string? Comment,
    int MaxComment, IReadOnlyList<string> Factors, FactorOptions FactorOptions, PulseFeedback? Feedback, string? Error = null);

/// <summary>
/// After an answer: thanks, and one form to change it, comment, and say what it was mostly about and how much work
/// time IT cost lately (both optional; factors in random order so that none is favoured by its place).
/// </summary>
internal static class ThanksPage
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IResult Render(PageWords w, ThanksForm f, int status = 200)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        var b = new StringBuilder();
        if (f.Error is not null) b.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(E.Encode(f.Error)).Append("</p>");
        b.Append("<h1>").Append(E.Encode(w["Thanks.Title"])).Append("</h1><p id=\"recorded\">")
         .Append(E.Encode(w.Format("Thanks.Recorded", f.Question))).Append(" <span aria-hidden=\"true\">")
         .Append(f.Answer.Face).Append("</span> <strong>").Append(E.Encode(w.Answer(f.Answer))).Append("</strong></p>");
        if (!string.IsNullOrEmpty(f.Comment) && f.Error is null)
        {
            b.Append("<p>").Append(E.Encode(w["Thanks.YourComment"])).Append("</p><blockquote id=\"comment\">")
             .Append(E.Encode(f.Comment)).Append("</blockquote>");
        }
        b.Append("<form method=\"post\" action=\"/p/respond\"><input type=\"hidden\" name=\"t\" value=\"")
         .Append(E.Encode(f.RespondToken)).Append("\">")
         .Append("<input type=\"hidden\" name=\"q\" value=\"").Append(I(f.QuestionIndex)).Append("\">")
         .Append("<fieldset><legend>").Append(E.Encode(w["Thanks.Change"])).Append("</legend>");
        foreach (var a in PulseAnswers.All)
        {
            b.Append("<label><input type=\"radio\" name=\"answer\" value=\"").Append(I(a.Value)).Append('"')
             .Append(a.Value == f.Answer.Value ? " checked" : "").Append("> <span aria-hidden=\"true\">").Append(a.Face).Append("</span> ")
             .Append(E.Encode(w.Answer(a))).Append("</label><br>");
        }
        b.Append("</fieldset><fieldset id=\"factors\"><legend>")
         .Append(E.Encode(w[f.Answer.Score < 0 ? "Factors.Legend.Bad" : "Factors.Legend.Good"])).Append("</legend>");
        foreach (var factor in f.Factors.OrderBy(_ => Random.Shared.Next()))
        {
            b.Append("<label><input type=\"radio\" name=\"factor\" value=\"").Append(E.Encode(factor)).Append('"')
             .Append(f.Feedback?.Factor == factor ? " checked" : "").Append("> ")
             .Append(E.Encode(w.Factor(factor, f.FactorOptions))).Append("</label><br>");
        }
        b.Append("</fieldset><fieldset id=\"lost\"><legend>").Append(E.Encode(w["LostTime.Legend"])).Append("</legend>");
        foreach (var lost in LostTimes.All)
        {
            b.Append("<label><input type=\"radio\" name=\"lost\" value=\"").Append(lost).Append('"')
             .Append(f.Feedback?.LostTime == lost ? " checked" : "").Append("> ")
             .Append(E.Encode(w.LostTime(lost))).Append("</label><br>");
        }
        b.Append("</fieldset><p><label for=\"c\">").Append(E.Encode(w["Thanks.CommentLabel"])).Append("</label><br>")
         .Append("<textarea id=\"c\" name=\"comment\" rows=\"4\" cols=\"50\" maxlength=\"").Append(I(f.MaxComment)).Append("\">")
         .Append(E.Encode(f.Comment ?? "")).Append("</textarea></p><button type=\"submit\">").Append(E.Encode(w["Thanks.Save"]))
         .Append("</button></form><p>").Append(E.Encode(w["Thanks.WhoSees"])).Append("</p>");
        return PulsePages.Page(w, status, w["Thanks.Title"], b.ToString(), null);
    }
}
