using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Stack.Harness;

public sealed record NotifiedAlert(string Status, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>One Alertmanager webhook call: the receiver (route) it went to and its alerts.</summary>
public sealed record Notification(string Receiver, string Status, IReadOnlyList<NotifiedAlert> Alerts);

/// <summary>Receives Alertmanager's webhook notifications on 127.0.0.1 and keeps them for assertions.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Notification> _notifications = new();
    private readonly LoopbackHttpServer _server;

    public WebhookReceiver() =>
        _server = new LoopbackHttpServer(async context =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            var root = document.RootElement;
            var alerts = root.GetProperty("alerts").EnumerateArray().Select(a => new NotifiedAlert(
                a.GetProperty("status").GetString() ?? "",
                ToDictionary(a.GetProperty("labels")),
                ToDictionary(a.GetProperty("annotations")))).ToList();
            _notifications.Enqueue(new Notification(root.GetProperty("receiver").GetString() ?? "", root.GetProperty("status").GetString() ?? "", alerts));
            context.Response.StatusCode = 200;
        });

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyList<Notification> Notifications => _notifications.ToList();

    /// <summary>Every alert notified so far, with the receiver it was sent to.</summary>
    public IEnumerable<(string Receiver, NotifiedAlert Alert)> Alerts => Notifications.SelectMany(n => n.Alerts.Select(a => (n.Receiver, a)));

    /// <summary>Waits until an alert matching <paramref name="match"/> has been notified; throws a TimeoutException listing what came.</summary>
    public async Task<(string Receiver, NotifiedAlert Alert)> WaitForAsync(Func<NotifiedAlert, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var notified in Alerts)
            {
                if (match(notified.Alert))
                {
                    return notified;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No notification of {what} within {timeout}. Received: {Describe()}");
    }

    public string Describe() =>
        string.Join("; ", Alerts.Select(a => $"{a.Receiver}: {a.Alert.Label("alertname")} {string.Join(",", a.Alert.Labels.Where(l => l.Key != "alertname").Select(l => $"{l.Key}={l.Value}"))} ({a.Alert.Status})"));

    private static Dictionary<string, string> ToDictionary(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
