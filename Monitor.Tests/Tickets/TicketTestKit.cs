using Monitor.Probes;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Tickets;

/// <summary>One canned HTTP answer of the fake ticket system; <paramref name="Headers"/> are sent as given (Link, Content-Range…).</summary>
public sealed record Reply(int Status, string Body, TimeSpan Delay = default, string? RetryAfter = null,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public static Reply Json(string body) => new(200, body);
}

/// <summary>
/// A ticket system's documented API played on the tests' <see cref="LoopbackHttpServer"/>: routes by path and query,
/// answers in sequence (the last answer repeats), and records every request.
/// </summary>
public sealed class FakeTicketServer : IAsyncDisposable
{
    private const string AnyPath = "*";
    private readonly List<Route> _routes = [];
    private readonly Queue<Reply> _interjections = new();
    private LoopbackHttpServer _server = null!;

    private FakeTicketServer()
    {
    }

    public string BaseUrl => _server.BaseUrl;

    public ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers)> Requests { get; } = new();

    public static async Task<FakeTicketServer> StartAsync()
    {
        var fake = new FakeTicketServer();
        fake._server = await LoopbackHttpServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>Answers requests to <paramref name="path"/> whose query contains every fragment given.</summary>
    public void On(string path, params Reply[] replies) => On(path, [], replies);

    public void On(string path, string[] queryContains, params Reply[] replies)
    {
        lock (_routes) _routes.Insert(0, new Route(path, queryContains, new Queue<Reply>(replies)));
    }

    /// <summary>Answers every request, whatever its path, with <paramref name="reply"/> (e.g. refused credentials).</summary>
    public void OnEveryPath(Reply reply) => On(AnyPath, reply);

    /// <summary>The next requests, whatever their path, get these replies once each before the routes answer.</summary>
    public void Interject(params Reply[] replies)
    {
        lock (_routes) foreach (var reply in replies) _interjections.Enqueue(reply);
    }

    public int Count(string path) => Requests.Count(r => r.PathAndQuery.Split('?')[0] == path);

    /// <summary>The path of the <paramref name="index"/>th request (0 the first).</summary>
    public string PathOf(int index) => Requests.ElementAt(index).PathAndQuery.Split('?')[0];

    private async Task HandleAsync(HttpContext context)
    {
        var query = Uri.UnescapeDataString(context.Request.QueryString.Value ?? "");
        // Kestrel reuses the header collection after the response, so keep a copy.
        Requests.Enqueue((context.Request.Path + query, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
        Reply? reply = null;
        lock (_routes)
        {
            var route = _routes.FirstOrDefault(r =>
                (r.Path == AnyPath || r.Path == context.Request.Path.Value) && r.QueryContains.All(query.Contains));
            if (_interjections.Count > 0) reply = _interjections.Dequeue();
            else if (route is not null) reply = route.Replies.Count > 1 ? route.Replies.Dequeue() : route.Replies.Peek();
        }
        reply ??= new Reply(404, """{"errorMessages":["not found"]}""");
        if (reply.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(reply.Delay, context.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.RetryAfter is not null) context.Response.Headers.RetryAfter = reply.RetryAfter;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        await context.Response.WriteAsync(reply.Body);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private sealed record Route(string Path, string[] QueryContains, Queue<Reply> Replies);
}

/// <summary>Dedupes on (user, kind, source) like the real store.</summary>
public sealed class InMemorySignalSink : ISignalSink
{
    private readonly Dictionary<(string, string, string), Signal> _signals = [];

    public IReadOnlyList<Signal> Signals { get { lock (_signals) return [.. _signals.Values]; } }

    /// <summary>When set, every write throws it (a store that is down).</summary>
    public Exception? FailWith { get; set; }

    public Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        lock (_signals)
        {
            var stored = signals.Count(s => _signals.TryAdd((s.UserId, s.Kind, s.Source), s));
            return Task.FromResult(new SignalWriteResult(stored, signals.Count - stored));
        }
    }

    public Task<bool> ReplaceAsync(Signal signal, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        lock (_signals) _signals[(signal.UserId, signal.Kind, signal.Source)] = signal;
        return Task.FromResult(true);
    }
}

public sealed class InMemoryUserLookup(params string[] emails) : IUserLookup
{
    private readonly Dictionary<string, User> _users = emails.ToDictionary(e => e, e => new User(
        "u-" + e.Split('@')[0], e, e, "IT", "HQ", null, Rank.IndividualContributor, "UTC", "en", true, false), StringComparer.OrdinalIgnoreCase);

    public Task<User?> FindAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(_users.Values.FirstOrDefault(u => u.Id == userId));

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(_users.GetValueOrDefault(email));
}

public sealed class InMemoryWatermarkStore : IWatermarkStore
{
    public ConcurrentDictionary<string, string> Values { get; } = new();

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Values.GetValueOrDefault(key));

    public Task SetAsync(string key, string value, CancellationToken cancellationToken)
    {
        Values[key] = value;
        return Task.CompletedTask;
    }
}

/// <summary>Deterministic: "angry"/"terrible" are -0.8, "thanks"/"great" +0.8, anything else says nothing.</summary>
public sealed class TestSentimentAnalyser : ISentimentAnalyser
{
    public SentimentResult Analyse(string text)
    {
        var t = text.ToLowerInvariant();
        if (t.Contains("angry") || t.Contains("terrible")) return new(-0.8, 0.9);
        if (t.Contains("thanks") || t.Contains("great")) return new(0.8, 0.9);
        return new(0, 0);
    }
}

/// <summary>Builds the probes the way the worker does: <c>AddTicketProbes</c> over configuration.</summary>
public sealed class TicketHarness : IDisposable
{
    private readonly ServiceProvider _provider;

    public TicketHarness(string section, string baseUrl, Dictionary<string, string?> settings, params string[] knownEmails)
    {
        var values = new Dictionary<string, string?>
        {
            [$"Tickets:{section}:Enabled"] = "true",
            [$"Tickets:{section}:BaseUrl"] = baseUrl,
            [$"Tickets:{section}:RetryBaseDelay"] = "00:00:00.010",
            [$"Tickets:{section}:AttemptTimeout"] = "00:00:02",
            [$"Tickets:{section}:MaxRetryAfter"] = "00:00:03",
            [$"Tickets:{section}:MaxRetryAttempts"] = "3",
            [$"Tickets:{section}:RequestsPerSecond"] = "1000",
            [$"Tickets:{section}:Overlap"] = "00:01:00",
            [$"Tickets:{section}:InitialLookback"] = "3650.00:00:00",
        };
        foreach (var (k, v) in settings) values[$"Tickets:{section}:{k}"] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISignalSink>(Sink);
        services.AddSingleton<IUserLookup>(new InMemoryUserLookup(knownEmails));
        services.AddSingleton<IWatermarkStore>(Watermarks);
        services.AddSingleton<ISentimentAnalyser, TestSentimentAnalyser>();
        services.AddTicketProbes(configuration);
        _provider = services.BuildServiceProvider();
        var system = TicketSystems.All.Single(s => s.Section == section);
        // The probe the worker would schedule: the system's catalogue entry, switched on by its validated options.
        var entry = _provider.GetServices<ProbeDefinition>().Single(d => d.Name == system.ProbeName);
        Assert.That(entry.Schedule(_provider), Is.Not.Null, $"{system.ProbeName} is not switched on");
        Probe = entry.Create(_provider);
        Connector = _provider.GetRequiredKeyedService<ITicketConnector>(system.Key);
    }

    /// <summary>The connector the probe reads through, to look at what it yields directly.</summary>
    public ITicketConnector Connector { get; }

    public InMemorySignalSink Sink { get; } = new();

    public InMemoryWatermarkStore Watermarks { get; } = new();

    public IProbe Probe { get; }

    public Task<ProbeResult> RunAsync() => Probe.RunAsync(CancellationToken.None);

    public static double Rejected(string probe) => TicketMetrics.RecordsRejected.WithLabels(probe).Value;

    public void Dispose() => _provider.Dispose();
}
