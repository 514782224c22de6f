using Microsoft.Extensions.Options;
using Monitor.Core.Actions;
using Monitor.Core.Ports;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Actions;

/// <summary>What the API and the console do with actions: create, link feedback, ship and tell the people.</summary>
public sealed class ActionService(ActionRepository store, UserRepository users, IOutboxStore outbox, IOptions<MailOptions> mail,
    IOptions<PulseOptions> pulse, IServiceProvider services, TimeProvider time, ILogger<ActionService> logger)
{
    public async Task<ActionRecord> CreateAsync(string title, string description, string? owner, string by, CancellationToken ct)
    {
        var a = new ActionRecord(Guid.CreateVersion7(), title.Trim(), description.Trim(),
            string.IsNullOrWhiteSpace(owner) ? by : owner.Trim(), by, time.GetUtcNow());
        await store.CreateAsync(a, ct);
        logger.LogInformation("Action {Id} created by {By}", a.Id, by);
        return a;
    }

    public enum ShipOutcome { NotFound, AlreadyShipped, Shipped }

    /// <summary>Ships the action once; with <paramref name="notify"/>, one e-mail per person whose linked feedback it answers.</summary>
    public async Task<(ShipOutcome Outcome, int Mailed)> ShipAsync(Guid id, bool notify, string by, CancellationToken ct)
    {
        var action = await store.FindAsync(id, ct);
        if (action is null) return (ShipOutcome.NotFound, 0);
        var now = time.GetUtcNow();
        if (!await store.ShipAsync(id, notify, by, now, ct)) return (ShipOutcome.AlreadyShipped, 0);
        if (await store.FirstFeedbackAtAsync(id, ct) is { } first)
            ActionMetrics.FeedbackAgeAtShip.Observe(Math.Max(0, (now - first).TotalSeconds));
        var mailed = notify ? await NotifyAsync(action, now, ct) : 0;
        logger.LogInformation("Action {Id} shipped by {By}; {Mailed} people told", id, by, mailed);
        return (ShipOutcome.Shipped, mailed);
    }

    private async Task<int> NotifyAsync(ActionRecord action, DateTimeOffset now, CancellationToken ct)
    {
        var from = mail.Value.FromAddress();
        var texts = services.GetService<PulseTexts>() ?? PulseTexts.Default;
        // The follow-up pulse that asks whether it helped (ActionFollowUpJob) comes this long after the note.
        var askAt = now + (services.GetService<IOptions<ActionsOptions>>()?.Value ?? new ActionsOptions()).FollowUpAfter;
        var drafts = new List<Monitor.Core.Pulses.OutboxDraft>();
        foreach (var person in (await store.LinksAsync(action.Id, ct)).GroupBy(l => l.Ref.UserId, StringComparer.Ordinal))
        {
            var user = await users.FindAsync(person.Key, ct);
            // Never to someone who left, is inactive or unsubscribed from pulses.
            if (user is null || !user.Active || user.OptedOut || string.IsNullOrWhiteSpace(user.Email)) continue;
            if (!await store.ClaimNotificationAsync(action.Id, user.Id, now, ct)) continue;
            var said = person.Where(l => !string.IsNullOrWhiteSpace(l.Comment)).OrderByDescending(l => l.ObservedAt).FirstOrDefault();
            // In the person's language (their directory locale, its parent culture, then English), like the pulse.
            var note = NotificationTexts.YouSaidWeDid(texts, user, said?.Comment, action.Title, action.Description, askAt);
            drafts.Add(NotificationMail.Draft(from, NotificationMail.To(user), note.Subject, note.Paragraphs, now, Unsubscribe(user, now)));
        }
        await outbox.EnqueueAsync(drafts, now, ct);
        return drafts.Count;
    }

    private string? Unsubscribe(User user, DateTimeOffset now) =>
        pulse.Value.CanSign ? services.GetRequiredService<PulseLinks>().Unsubscribe(user.Id, now) : null;
}
