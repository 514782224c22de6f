using Microsoft.Extensions.Options;
using Monitor.Core.Outreach;
using Monitor.Probes;

namespace Monitor.Worker.Outreach;

/// <summary>Who to visit, lunches and the weekly digest. Bound from <c>Outreach</c>.</summary>
public sealed class OutreachOptions
{
    public const string Section = "Outreach";

    /// <summary>Users nobody from IT has talked to in this many days (and with no ticket open) are on the list.</summary>
    public int NoContactDays { get; set; } = 90;

    /// <summary>New hires are on the list for a welcome visit this many weeks after their join date.</summary>
    public int WelcomeWeeks { get; set; } = 4;

    /// <summary>A ticket signal this recent counts as "a ticket is open".</summary>
    public int TicketWindowDays { get; set; } = 14;

    /// <summary>Nobody invited to lunch within this is drawn again.</summary>
    public TimeSpan LunchCooldown { get; set; } = TimeSpan.FromDays(180);

    public DigestOptions Digest { get; set; } = new();

    public OutreachRules Rules => new(NoContactDays, WelcomeWeeks, TicketWindowDays);

    /// <summary>The weekly "who to visit" e-mail to the staff rota, queued in the outbox.</summary>
    public sealed class DigestOptions
    {
        public bool Enabled { get; set; }

        public List<string> Recipients { get; set; } = [];

        /// <summary>Quartz cron, UTC: Monday 07:00.</summary>
        public string Cron { get; set; } = "0 0 7 ? * MON";
    }
}

internal sealed class OutreachOptionsValidator : IValidateOptions<OutreachOptions>
{
    public ValidateOptionsResult Validate(string? name, OutreachOptions o)
    {
        const string s = OutreachOptions.Section;
        var failures = new List<string>();
        if (o.NoContactDays is < 1 or > 3650)
            failures.Add($"{s}:{nameof(o.NoContactDays)} must be between 1 and 3650 (got {o.NoContactDays}).");
        if (o.WelcomeWeeks is < 0 or > 52)
            failures.Add($"{s}:{nameof(o.WelcomeWeeks)} must be between 0 and 52 (got {o.WelcomeWeeks}).");
        if (o.TicketWindowDays is < 0 or > 365)
            failures.Add($"{s}:{nameof(o.TicketWindowDays)} must be between 0 and 365 (got {o.TicketWindowDays}).");
        if (o.LunchCooldown < TimeSpan.Zero || o.LunchCooldown > TimeSpan.FromDays(3650))
            failures.Add($"{s}:{nameof(o.LunchCooldown)} must be between 0 and 3650.00:00:00 (got {o.LunchCooldown}).");
        var d = o.Digest;
        if (!CronSchedule.IsValid(d.Cron))
            failures.Add($"{s}:Digest:Cron '{d.Cron}' is not a Quartz cron expression that fires (e.g. 0 0 7 ? * MON).");
        for (var i = 0; i < d.Recipients.Count; i++)
        {
            if (!System.Net.Mail.MailAddress.TryCreate(d.Recipients[i], out var a) || a.Address != d.Recipients[i].Trim())
                failures.Add($"{ValidatedOptions.ElementKey(o, $"{s}:Digest:Recipients", i)} '{d.Recipients[i]}' is not an e-mail address.");
        }
        if (d.Enabled && d.Recipients.Count == 0)
            failures.Add($"{s}:Digest:Recipients must name at least one address when {s}:Digest:Enabled is true.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
