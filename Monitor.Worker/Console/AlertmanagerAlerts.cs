using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// "How are we alerted": the alerts firing now, read from Alertmanager's <c>/api/v2/alerts</c> when
/// <c>Console:AlertmanagerUrl</c> is set. A failure is a sentence on the page, never an error page.
/// </summary>
internal sealed class AlertmanagerAlerts(IHttpClientFactory factory, IOptions<ConsoleOptions> options, ILogger<AlertmanagerAlerts> logger)
{
    public const string ClientName = "console-alertmanager";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when no Alertmanager is configured; else the firing alerts or why they could not be read.</summary>
    public async Task<AlertList?> ReadAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Value.AlertmanagerUrl)) return null;
        var url = new Uri(new Uri(options.Value.AlertmanagerUrl.TrimEnd('/') + "/"),
            "api/v2/alerts?active=true&silenced=false&inhibited=false");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var http = factory.CreateClient(ClientName);
            using var response = await http.GetAsync(url, timeout.Token);
            if (!response.IsSuccessStatusCode) return AlertList.Failed($"Alertmanager answered {(int)response.StatusCode}.");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            var alerts = json.RootElement.EnumerateArray().Select(a => new FiringAlert(
                Label(a, "alertname") ?? "(unnamed)",
                Label(a, "user") ?? Label(a, "group"),
                a.TryGetProperty("annotations", out var n) && n.TryGetProperty("summary", out var s) ? s.GetString() : null,
                a.TryGetProperty("startsAt", out var at) && at.TryGetDateTimeOffset(out var started) ? started : null)).ToList();
            return new AlertList(alerts, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            if (ct.IsCancellationRequested) throw;
            logger.LogWarning("Console: could not read the alerts from {Url}: {Reason}", url, e.Message);
            return AlertList.Failed(e is OperationCanceledException
                ? $"Alertmanager did not answer within {Timeout.TotalSeconds:0} seconds."
                : "Alertmanager could not be read: " + e.Message);
        }
    }

    private static string? Label(JsonElement alert, string name) =>
        alert.TryGetProperty("labels", out var labels) && labels.TryGetProperty(name, out var v) ? v.GetString() : null;
}

internal sealed record FiringAlert(string Name, string? Subject, string? Summary, DateTimeOffset? StartsAt);

internal sealed record AlertList(IReadOnlyList<FiringAlert> Alerts, string? Error)
{
    public static AlertList Failed(string error) => new([], error);
}
