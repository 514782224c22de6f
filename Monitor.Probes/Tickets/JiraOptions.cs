namespace Monitor.Probes.Tickets;

/// <summary>
/// <c>Tickets:Jira</c>: Jira Service Management, basic auth with an Atlassian API token (Cloud) or a user's password
/// or token (Data Center). <see cref="Deployment"/> picks the search API.
/// </summary>
public sealed class JiraOptions : TicketSystemOptions
{
    public const string Cloud = "Cloud";
    public const string DataCenter = "DataCenter";

    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>
    /// <c>Cloud</c> (REST v3, <c>/rest/api/3/search/jql</c> with token paging) or <c>DataCenter</c> (REST v2,
    /// <c>/rest/api/2/search</c> with startAt/total). Empty: Cloud when the host ends in <c>.atlassian.net</c>.
    /// </summary>
    public string? Deployment { get; set; }

    /// <summary>The deployment in force: the setting, or the default for <see cref="TicketSystemOptions.BaseUrl"/>.</summary>
    public bool IsCloud => string.IsNullOrWhiteSpace(Deployment)
        ? Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) && url.Host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase)
        : string.Equals(Deployment, Cloud, StringComparison.OrdinalIgnoreCase);

    protected internal override IEnumerable<(string Key, string? Value)> Credentials =>
        [(nameof(Email), Email), (nameof(ApiToken), ApiToken)];

    protected internal override IEnumerable<(string Key, string Problem)> Problems()
    {
        if (!string.IsNullOrWhiteSpace(Deployment)
            && !string.Equals(Deployment, Cloud, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Deployment, DataCenter, StringComparison.OrdinalIgnoreCase))
            yield return (nameof(Deployment), $"'{Deployment}' must be {Cloud} or {DataCenter} (or empty: from the URL)");
    }
}
