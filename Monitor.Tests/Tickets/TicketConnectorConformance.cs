using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>One ticket of the conformance fixtures, in no vendor's shape: each connector's tests render it in theirs.</summary>
/// <param name="Number">1, 2, …: the ticket's position in update order; vendors derive their ids from it.</param>
/// <param name="Comment">A public comment by the requester (the directory's ann@example.com).</param>
public sealed record ConformanceTicket(int Number, DateTimeOffset UpdatedAt, string Comment)
{
    public const string RequesterEmail = "ann@example.com";

    /// <summary>
    /// When set, every time of this ticket is rendered as a bare number of seconds, as a vendor's own example does
    /// for <c>updated</c>: the connector must reject this ticket alone and go on with the others.
    /// </summary>
    public bool TimesAreNotDates { get; init; }

    /// <summary>The update time in a vendor's format (invariant culture), e.g. <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public string Updated(string format) => TimesAreNotDates
        ? UpdatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
        : UpdatedAt.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// What every ticket connector must do, run against each one through the worker's own registration
/// (<c>AddTicketProbes</c> over configuration) and a fake server playing the vendor's documented API. A connector's
/// tests inherit this and supply its settings and its documented-shape fixtures.
/// </summary>
/// <typeparam name="TOptions">The connector's options: its credential settings must be properties of it.</typeparam>
[NonParallelizable]
public abstract class TicketConnectorConformance<TOptions> where TOptions : TicketSystemOptions
{
    private const int PageSize = 2;

    /// <summary>Five tickets, so that pages of two end on a short third page.</summary>
    private static readonly IReadOnlyList<ConformanceTicket> Tickets = [.. Enumerable.Range(1, 5).Select(n => new ConformanceTicket(n,
        new DateTimeOffset(2026, 1, 5, 10, n, 0, TimeSpan.Zero), $"Ticket {n}: this is terrible"))];

    /// <summary>The configuration section under <c>Tickets</c>, e.g. <c>Jira</c>.</summary>
    protected abstract string Section { get; }

    /// <summary>The credential settings (key under the section, value); a refusal must name each key.</summary>
    protected abstract IReadOnlyDictionary<string, string> Credentials { get; }

    /// <summary>Settings beside the credentials (key under the section, value), e.g. Jira's <c>Deployment</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>The vendor's documented answer to bad credentials (HTTP 401).</summary>
    protected abstract Reply Unauthorized { get; }

    /// <summary>
    /// Serves <paramref name="tickets"/> on <paramref name="server"/> in the vendor's documented shape and listing order,
    /// <paramref name="pageSize"/> to a page; the ticket numbered <paramref name="malformed"/> (if any) comes back
    /// malformed in a way the vendor's API can produce (e.g. a truncated sub-resource).
    /// </summary>
    protected abstract void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null);

    /// <summary>The signal source of ticket <paramref name="ticket"/>'s comment, e.g. <c>jira:CONF-1:comment:101</c>.</summary>
    protected abstract string CommentSource(ConformanceTicket ticket);

    /// <summary>
    /// The vendor's documented 429 that carries no <c>Retry-After</c> but says when its window resets, asking for a wait of
    /// at least a second; null where the vendor documents no such header.
    /// </summary>
    protected virtual Reply? RateLimitedWithWindowReset => null;

    private string ProbeName => "tickets_" + TicketSystems.All.Single(s => s.Section == Section).Key;

    [Test]
    public void The_credential_settings_are_options_of_the_connector()
    {
        foreach (var key in Credentials.Keys)
        {
            Assert.That(typeof(TOptions).GetProperty(key), Is.Not.Null, $"{typeof(TOptions).Name} has no {key}");
        }
    }

    [Test]
    public async Task Bad_credentials_fail_the_run_naming_every_credential_key_without_retrying()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.OnEveryPath(Unauthorized);
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.False);
        Assert.That(result.Message, Does.Contain("refused the credentials (HTTP 401)"));
        foreach (var key in Credentials.Keys)
        {
            Assert.That(result.Message, Does.Contain($"Tickets:{Section}:{key}"));
        }
        Assert.That(server.Requests, Has.Count.EqualTo(1), "a 401 is not retried");
        Assert.That(harness.Watermarks.Values, Is.Empty);
    }

    [Test]
    public async Task A_malformed_ticket_is_skipped_alone_and_counted()
    {
        await using var server = await FakeTicketServer.StartAsync();
        Serve(server, Tickets, PageSize, malformed: 3);
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(ProbeName);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("4 tickets").And.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(ProbeName) - before, Is.EqualTo(1));
        Assert.That(Sources(harness), Is.EquivalentTo(Tickets.Where(t => t.Number != 3).Select(CommentSource)));
        Assert.That(harness.Watermarks.Values[ProbeName], Is.EqualTo(Watermark(Tickets[^1])));
    }

    [Test]
    public async Task A_ticket_whose_times_are_not_dates_is_rejected_alone_and_the_run_goes_on()
    {
        await using var server = await FakeTicketServer.StartAsync();
        var tickets = Tickets.Select(t => t.Number == 3 ? t with { TimesAreNotDates = true } : t).ToList();
        Serve(server, tickets, PageSize);
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(ProbeName);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(ProbeName) - before, Is.EqualTo(1));
        Assert.That(Sources(harness), Is.EquivalentTo(Tickets.Where(t => t.Number != 3).Select(CommentSource)));
        Assert.That(harness.Watermarks.Values[ProbeName], Is.EqualTo(Watermark(Tickets[^1])));
    }

    [Test]
    public async Task Tickets_come_in_update_order_and_the_watermark_advances_to_the_last()
    {
        await using var server = await FakeTicketServer.StartAsync();
        Serve(server, Tickets, PageSize);
        using var harness = Harness(server);

        var updates = new List<DateTimeOffset>();
        await foreach (var fetch in harness.Connector.FetchUpdatedSinceAsync(Tickets[0].UpdatedAt.AddDays(-1), CancellationToken.None))
        {
            Assert.That(fetch.Rejection, Is.Null, fetch.Rejection?.Reason);
            updates.Add(fetch.Ticket!.UpdatedAt);
        }
        Assert.That(updates, Is.EqualTo(Tickets.Select(t => t.UpdatedAt)));

        harness.Watermarks.Values[ProbeName] = Watermark(Tickets[0]);
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Watermarks.Values[ProbeName], Is.EqualTo(Watermark(Tickets[^1])));
    }

    [Test]
    public async Task Paging_reaches_the_last_page()
    {
        await using var server = await FakeTicketServer.StartAsync();
        Serve(server, Tickets, PageSize);
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain($"{Tickets.Count} tickets"));
        Assert.That(Sources(harness), Is.EquivalentTo(Tickets.Select(CommentSource)));
        Assert.That(harness.Sink.Signals.Select(s => s.Kind), Has.All.EqualTo(SignalKinds.TicketSentiment));
    }

    [Test]
    public async Task A_rerun_over_the_same_tickets_adds_no_duplicates()
    {
        await using var server = await FakeTicketServer.StartAsync();
        Serve(server, Tickets, PageSize);
        using var harness = Harness(server);
        var first = await harness.RunAsync();
        Assert.That(first.Message, Does.Contain($"{Tickets.Count} signals stored"));

        // The fake ignores the watermark, so the rerun reads every ticket again, as an overlap would.
        var second = await harness.RunAsync();

        Assert.That(second.Success, Is.True, second.Message);
        Assert.That(second.Message, Does.Contain($"{Tickets.Count} tickets").And.Contain("0 signals stored"));
        Assert.That(harness.Sink.Signals, Has.Count.EqualTo(Tickets.Count));
    }

    [Test]
    public Task Too_many_requests_with_Retry_After_is_honoured() =>
        // The retry base delay is 10 ms: only the server's Retry-After explains a wait of a second.
        AssertRefusedRequestIsWaitedOut(new Reply(429, "{}", RetryAfter: "1"), TimeSpan.FromSeconds(3));

    [Test]
    public async Task Too_many_requests_without_Retry_After_waits_for_the_documented_window_reset()
    {
        if (RateLimitedWithWindowReset is not { } limited)
        {
            // The vendor documents nothing beside Retry-After: a bare 429 is retried after the client's own back-off
            // (10 ms here), and the run still reads everything.
            await AssertRefusedRequestIsWaitedOut(new Reply(429, "{}"), TimeSpan.FromSeconds(6), atLeast: TimeSpan.Zero);
            return;
        }
        // Only the reset header explains a wait of a second (MaxRetryAfter is 3 s).
        await AssertRefusedRequestIsWaitedOut(limited, TimeSpan.FromSeconds(6));
    }

    /// <summary>
    /// The first request is answered <paramref name="refusal"/>: waited out (at least <paramref name="atLeast"/>, 0.9 s
    /// unless given), asked again, all read.
    /// </summary>
    private async Task AssertRefusedRequestIsWaitedOut(Reply refusal, TimeSpan atMost, TimeSpan? atLeast = null)
    {
        await using var server = await FakeTicketServer.StartAsync();
        Serve(server, Tickets, PageSize);
        server.Interject(refusal);
        using var harness = Harness(server);

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(atLeast ?? TimeSpan.FromSeconds(0.9)).And.LessThan(atMost));
        Assert.That(server.PathOf(1), Is.EqualTo(server.PathOf(0)), "the refused request is asked again");
        Assert.That(Sources(harness), Is.EquivalentTo(Tickets.Select(CommentSource)));
    }

    private TicketHarness Harness(FakeTicketServer server)
    {
        var settings = Credentials.ToDictionary(c => c.Key, c => (string?)c.Value);
        foreach (var (key, value) in Settings) settings[key] = value;
        settings["PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture);
        return new TicketHarness(Section, server.BaseUrl, settings, ConformanceTicket.RequesterEmail);
    }

    private static IEnumerable<string> Sources(TicketHarness harness) => harness.Sink.Signals.Select(s => s.Source);

    private static string Watermark(ConformanceTicket ticket) => ticket.UpdatedAt.ToString("O", CultureInfo.InvariantCulture);
}
