using Microsoft.Extensions.Options;

namespace Monitor.Probes.Tickets.Webhooks;

/// <summary>
/// <c>Tickets:Webhook</c>: how pushed ticket events authenticate. Set <see cref="Secret"/> for HMAC-SHA256
/// signatures (<c>X-Signature-256: sha256=&lt;hex&gt;</c>, or Jira's <c>X-Hub-Signature</c>), and/or
/// <see cref="BearerToken"/> for systems that can only send a token, and/or <see cref="ZendeskSigningSecret"/> for Zendesk's
/// own signature. None set: webhooks are off.
/// </summary>
public sealed class TicketWebhookOptions
{
    public const string Section = "Tickets:Webhook";

    public string? Secret { get; set; }

    public string? BearerToken { get; set; }

    /// <summary>
    /// The signing secret of the Zendesk webhook (Admin Center, the webhook's "Signing secret"; or
    /// <c>GET /api/v2/webhooks/{id}/signing_secret</c>): Zendesk signs every request with
    /// <c>X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(secret, X-Zendesk-Webhook-Signature-Timestamp + body))</c>.
    /// Accepted on the <c>zendesk</c> and <c>generic</c> routes only.
    /// </summary>
    public string? ZendeskSigningSecret { get; set; }

    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    public double MinimumSentimentConfidence { get; set; } = 0.05;
}

public sealed class TicketWebhookOptionsValidator : IValidateOptions<TicketWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketWebhookOptions options)
    {
        var failures = new List<string>();
        // Blanks are no secret: a key of spaces is refused like a short one.
        if (options.Secret is { } secret && secret.Trim().Length < 16)
            failures.Add($"{TicketWebhookOptions.Section}:{nameof(options.Secret)} must be at least 16 characters other than spaces");
        if (options.BearerToken is { } token && token.Trim().Length < 16)
            failures.Add($"{TicketWebhookOptions.Section}:{nameof(options.BearerToken)} must be at least 16 characters other than spaces");
        if (options.ZendeskSigningSecret is { } signing && signing.Trim().Length < 16)
            failures.Add($"{TicketWebhookOptions.Section}:{nameof(options.ZendeskSigningSecret)} must be at least 16 characters other than spaces");
        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
            failures.Add($"{TicketWebhookOptions.Section}:{nameof(options.MaxBodyBytes)} must be between 1024 and 16777216");
        if (options.MinimumSentimentConfidence is not (>= 0 and <= 1)) // NaN included
            failures.Add($"{TicketWebhookOptions.Section}:{nameof(options.MinimumSentimentConfidence)} must be between 0 and 1");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
