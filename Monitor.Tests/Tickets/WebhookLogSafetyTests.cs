using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitor.Core;
using Monitor.Core.Ports;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Issue 13, API details: webhook values with newlines, NUL, control or bidi characters went raw into the log (forging
/// log lines, reordering what a reader sees) and back into the response.
/// </summary>
public sealed class WebhookLogSafetyTests
{
    private const string Secret = "a-shared-secret-of-some-length";
    private const string Hostile = "x\nWARN forged line\0\u001b[31m\u202Egnp.exe\u2028\u200B";

    [Test]
    public async Task A_hostile_payload_value_reaches_neither_log_nor_response_raw()
    {
        var log = new CapturedLog();
        using var provider = Handler(log, out var handler);
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["system"] = "zendesk", ["ticket_id"] = "1", ["requester_email"] = "ann@example.com",
            ["occurred_at"] = "2026-01-05T10:00:00Z", ["event"] = Hostile,
        });

        var outcome = await handler.HandleAsync("zendesk", Signed(body), Encoding.UTF8.GetBytes(body), CancellationToken.None);

        Assert.That(outcome.StatusCode, Is.EqualTo(400));
        AssertSafe(outcome.Message);
        Assert.That(outcome.Message, Does.Contain(@"x\nWARN forged line\0\u001B[31m\u202Egnp.exe\u2028\u200B"));
        Assert.That(log.Lines, Has.Count.EqualTo(1));
        AssertSafe(log.Lines[0]);
        Assert.That(log.Lines[0], Does.Contain(@"\u202E"));
    }

    [Test]
    public async Task A_hostile_route_is_not_echoed_raw()
    {
        using var provider = Handler(new CapturedLog(), out var handler);

        var outcome = await handler.HandleAsync("jira\r\n\u202Eevil", Signed("{}"), "{}"u8.ToArray(), CancellationToken.None);

        Assert.That(outcome.StatusCode, Is.EqualTo(404));
        AssertSafe(outcome.Message);
        Assert.That(outcome.Message, Is.EqualTo(@"unknown ticket system 'jira\r\n\u202Eevil'"));
    }

    [Test]
    public void LogSafe_escapes_what_could_forge_or_hide_and_keeps_ordinary_text()
    {
        const string plain = "Zoë's ticket #12 — ça marche 👍";
        Assert.That(LogSafe.Value(plain), Is.SameAs(plain));
        Assert.That(LogSafe.Value(null), Is.Null);
        Assert.That(LogSafe.Value("a\\nb\n"), Is.EqualTo(@"a\\nb\n"), "a typed backslash-n cannot pass for an escaped newline");
        Assert.That(LogSafe.Value("\uD83D"), Is.EqualTo(@"\uD83D"), "a lone surrogate");
        Assert.That(LogSafe.Value(new string('a', 250)), Is.EqualTo(new string('a', 200) + "…(+50 chars)"));
    }

    private static void AssertSafe(string text)
    {
        var bad = text.Where(c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator).Select(c => $"U+{(int)c:X4}").ToList();
        Assert.That(bad, Is.Empty, text);
    }

    private static ServiceProvider Handler(CapturedLog log, out TicketWebhookHandler handler)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(log));
        services.AddSingleton<ISignalSink>(new InMemorySignalSink());
        services.AddSingleton<IUserLookup>(new InMemoryUserLookup("ann@example.com"));
        services.AddSingleton<IWatermarkStore>(new InMemoryWatermarkStore());
        services.AddSingleton<ISentimentAnalyser, TestSentimentAnalyser>();
        services.AddTicketProbes(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tickets:Webhook:Secret"] = Secret,
        }).Build());
        var provider = services.BuildServiceProvider();
        handler = provider.GetRequiredService<TicketWebhookHandler>();
        return provider;
    }

    private static HeaderDictionary Signed(string body) => new()
    {
        ["X-Signature-256"] = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))),
    };

    /// <summary>Every formatted message the handler logs.</summary>
    private sealed class CapturedLog : ILoggerProvider, ILogger
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}
