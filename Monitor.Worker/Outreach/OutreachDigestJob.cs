using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Worker.Pulse;

namespace Monitor.Worker.Outreach;

/// <summary>
/// The weekly "who to visit" e-mail to the staff rota: one message per recipient, queued in the outbox (sent by the
/// outbox sender with its retries). Scheduled work in the catalogue, so it runs once per cluster per firing.
/// </summary>
public sealed class OutreachDigestJob(OutreachService outreach, IOutboxStore outbox, IOptions<OutreachOptions> options,
    IOptions<MailOptions> mail, TimeProvider time) : IProbe
{
    public const string JobName = "outreach_digest";

    /// <summary>The digest lists at most this many people; the console and the CSV have the rest.</summary>
    public const int MaxLines = 50;

    public string Name => JobName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lines = await outreach.WhoToVisitAsync(cancellationToken);
        var paragraphs = new List<string>
        {
            lines.Count == 0
                ? "Nobody needs a visit this week."
                : $"{lines.Count} {(lines.Count == 1 ? "person" : "people")} to visit this week, most urgent first:",
        };
        paragraphs.AddRange(lines.Take(MaxLines).Select(l =>
            $"{l.User.DisplayName} ({l.User.Department}, {l.User.Site}): {l.Explanation}"));
        if (lines.Count > MaxLines) paragraphs.Add($"… and {lines.Count - MaxLines} more: see /console/outreach.");
        paragraphs.Add("The full list with reasons is in the IT staff console under /console/outreach (CSV export there).");
        var from = mail.Value.FromAddress();
        var drafts = options.Value.Digest.Recipients
            .Select(r => NotificationMail.Draft(from, new MailboxAddress("", r.Trim()), $"Who to visit this week: {lines.Count}",
                paragraphs, now))
            .ToList();
        await outbox.EnqueueAsync(drafts, now, cancellationToken);
        return ProbeResult.Ok($"{lines.Count} to visit; digest queued for {drafts.Count} recipient(s)");
    }
}
