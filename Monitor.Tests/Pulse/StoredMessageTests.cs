using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The sending side's fast path: a stored message handed to MailKit without parsing its body back writes exactly the bytes
/// the full parse wrote (what goes on the wire), and the e-mail channel keeps one SMTP connection across batches.
/// </summary>
public sealed class StoredMessageTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("Équipe IT <pulse@it.example.com>");

    [TestCase("Zoë <b>O'Brien</b>", "en-GB")]
    [TestCase("Pat Four", "fr-FR")]
    [TestCase("山田 太郎", "ja-JP")]
    [TestCase("نور", "ar-EG")]
    [TestCase("A \"quoted\", name; with (comments) and a very long tail that goes on past the fold of seventy-eight", "de-DE")]
    public void A_pulse_goes_on_the_wire_as_stored_and_as_the_full_parse_wrote_it(string name, string locale)
    {
        var stored = PulseMail.Render(Composed(name, locale), From);
        AssertWrittenAsStored(stored);
    }

    [Test]
    public void A_notification_serialised_by_mimekit_goes_on_the_wire_as_stored()
    {
        var draft = NotificationMail.Draft(From, new MailboxAddress("Zoë", "z@example.com"), "Votre avis — merci",
            ["Première ligne.", new string('x', 300)], DateTimeOffset.UtcNow, "https://pulse.example.com/u/abc");
        AssertWrittenAsStored(draft.Message);
    }

    [Test]
    public void A_message_stored_with_crlf_or_without_a_final_newline_goes_on_the_wire_as_the_lf_one_in_both_formats()
    {
        var stored = PulseMail.Render(Composed("Pat Four", "fr-FR"), From);
        foreach (var format in new[] { NewLineFormat.Dos, NewLineFormat.Unix })
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = format;
            using var lf = StoredMessage.TryWrap(stored);
            using var crlf = StoredMessage.TryWrap(stored.Replace("\n", "\r\n", StringComparison.Ordinal));
            using var unterminated = StoredMessage.TryWrap(stored.TrimEnd('\n'));
            var expected = Written(lf!, options);
            Assert.That(expected, Does.EndWith(format == NewLineFormat.Dos ? "--\r\n" : "--\n"));
            Assert.That(format == NewLineFormat.Dos ? expected.Replace("\r\n", "", StringComparison.Ordinal) : expected,
                Does.Not.Contain("\r"), "one newline format throughout");
            Assert.That(Written(crlf!, options), Is.EqualTo(expected), $"stored with CRLF, written as {format}");
            Assert.That(Written(unterminated!, options), Is.EqualTo(expected), $"no final newline, written as {format}");
        }
    }

    [Test]
    public void A_message_that_is_not_7_bit_or_has_overlong_lines_is_parsed_in_full_so_mailkit_can_encode_it()
    {
        const string eightBit = "From: a@example.com\nTo: b@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
                                + "Content-Transfer-Encoding: 8bit\n\nPremière ligne\n";
        Assert.That(StoredMessage.TryWrap(eightBit), Is.Null);
        using (var parsed = StoredMessage.Load(eightBit))
            Assert.That(parsed.TextBody, Is.EqualTo("Première ligne\n"));
        var longLine = "From: a@example.com\nTo: b@example.com\nContent-Type: text/plain\n\n" + new string('y', 1200) + "\n";
        Assert.That(StoredMessage.TryWrap(longLine), Is.Null);
        Assert.That(StoredMessage.TryWrap("From: a@example.com\nTo: b@example.com\n"), Is.Null, "no body");
        const string bcc = "From: a@example.com\nBcc: hidden@example.com\nContent-Type: text/plain\n\nx\n";
        Assert.That(StoredMessage.TryWrap(bcc), Is.Null, "Bcc: parsed in full, so that MailKit hides it on the wire");
        using (var parsed = StoredMessage.Load(bcc))
            Assert.That(parsed.Bcc.Mailboxes.Single().Address, Is.EqualTo("hidden@example.com"));
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task Batches_share_one_smtp_connection_and_a_dropped_one_is_replaced(int batches)
    {
        var sink = await SmtpSink.StartAsync();
        var stopped = false;
        using var stopSink = new DisposeOnce(() => { if (!stopped) sink.Dispose(); });
        await using var channel = new EmailChannel(Options.Create(new MailOptions
        {
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = sink.Port, Security = MailKit.Security.SecureSocketOptions.None },
        }));
        var messages = Enumerable.Range(0, batches * 4).Select(i => new OutboxMessage(Guid.NewGuid(), Guid.NewGuid(), "email",
            $"x{i}@example.com", PulseMail.Render(Composed($"Person {i}", "en-GB"), From), 0)).ToList();
        var delivered = new List<OutboxMessage>();
        foreach (var batch in messages.Chunk(4)) await channel.DeliverAsync(batch, delivered, default);

        Assert.That(delivered, Is.EqualTo(messages));
        Assert.That(channel.ConnectionsOpened, Is.EqualTo(1), "one connection for every batch");
        var received = await sink.WaitForAsync(messages.Count, TimeSpan.FromSeconds(20));
        // smtp-sink writes the envelope (RCPT TO) as X-Rcpt-Args: the outbox's recipient, not the To header's.
        Assert.That(received.Select(m => m.Headers["X-Rcpt-Args"]), Is.EquivalentTo(messages.Select(m => $"<{m.Recipient}>")));
        Assert.That(received.Select(m => m.HtmlBody), Has.All.Contain("</html>"));

        // The server goes away and comes back on the same port: the dead connection fails at most one attempt, then is replaced.
        var port = sink.Port;
        sink.Dispose();
        stopped = true;
        using var again = await SmtpSink.StartAsync(port);
        var more = messages.Take(2).Select(m => m with { Id = Guid.NewGuid() }).ToList();
        var sent = new List<OutboxMessage>();
        try
        {
            await channel.DeliverAsync(more, sent, default);
        }
        catch (Exception e) when (e is IOException or MailKit.ServiceNotConnectedException or MailKit.Net.Smtp.SmtpProtocolException)
        {
            await channel.DeliverAsync(more.Except(sent).ToList(), sent, default);
        }
        Assert.That(sent, Is.EquivalentTo(more));
        Assert.That(channel.ConnectionsOpened, Is.EqualTo(2));
        await again.WaitForAsync(2, TimeSpan.FromSeconds(20));
    }

    // The conversation runs with blocking calls on a thread of its own (SmtpConnection): Mail:Smtp:Timeout still ends a read the
    // server does not answer, and a cancellation (the shutdown limit, a lease lost) cuts a blocked send at once.
    [Test]
    public async Task A_stalled_server_times_out_and_a_cancellation_cuts_the_blocked_send_at_once()
    {
        // The sink answers DATA after 3 s.
        using var sink = await SmtpSink.StartAsync(dataDelaySeconds: 3);
        OutboxMessage Message() => new(Guid.NewGuid(), Guid.NewGuid(), "email", "x@example.com",
            PulseMail.Render(Composed("Pat Four", "en-GB"), From), 0);
        EmailChannel Channel(TimeSpan timeout) => new(Options.Create(new MailOptions
        {
            Smtp = new SmtpOptions
            {
                Host = "127.0.0.1", Port = sink.Port, Security = MailKit.Security.SecureSocketOptions.None, Timeout = timeout,
            },
        }));

        var delivered = new List<OutboxMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var impatient = Channel(TimeSpan.FromSeconds(1)))
        {
            // A token that can be cancelled, as the sender's always is (MailKit given one would poll and ignore the timeout).
            using var running = new CancellationTokenSource();
            var timedOut = await Assert.CatchAsync(() => impatient.DeliverAsync([Message()], delivered, running.Token));
            Assert.That(timedOut, Is.Not.InstanceOf<OperationCanceledException>(), "a timeout is a failure to retry, not a stop");
        }
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.8)), "Mail:Smtp:Timeout (1 s), not the server's 3 s");

        clock.Restart();
        await using (var patient = Channel(TimeSpan.FromSeconds(30)))
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.CatchAsync<OperationCanceledException>(() => patient.DeliverAsync([Message()], delivered, stop.Token));
        }
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "cut at the cancellation, not at the server's reply");
        Assert.That(delivered, Is.Empty);
    }

    // The container disposes the e-mail channel twice: once as itself and once as the IPulseChannel that AddPulseChannel
    // forwards to it. The second disposal threw ObjectDisposedException (its connections' semaphore), so every SIGTERM after a
    // send ended the worker with "Unhandled exception" and exit code 1 (bench/pulse/faults.sh).
    [Test]
    public async Task The_channel_registered_as_the_worker_registers_it_is_disposed_by_the_container_without_an_error()
    {
        using var sink = await SmtpSink.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:Smtp:Host"] = "127.0.0.1",
            ["Mail:Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "None",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddPulseChannel<EmailChannel, MailOptions>();
        var provider = services.BuildServiceProvider();
        var delivered = new List<OutboxMessage>();
        await provider.GetServices<IPulseChannel>().Single().DeliverAsync([new OutboxMessage(Guid.NewGuid(), Guid.NewGuid(), "email",
            "x@example.com", PulseMail.Render(Composed("Pat Four", "en-GB"), From), 0)], delivered, default);
        Assert.That(delivered, Has.Count.EqualTo(1), "a connection was opened");

        await provider.DisposeAsync();
    }

    private sealed class DisposeOnce(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    // What SmtpClient writes (CRLF, Bcc hidden) from the wrapped message is the stored text, and what it wrote from the parse.
    private static void AssertWrittenAsStored(string stored)
    {
        var wire = stored.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        using var wrapped = StoredMessage.TryWrap(stored);
        Assert.That(wrapped, Is.Not.Null, "7-bit with short lines: sent without a parse");
        using var parsed = PulseMail.Parse(stored);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.HiddenHeaders.Add(HeaderId.Bcc);
        Assert.That(Written(wrapped!, format), Is.EqualTo(wire));
        Assert.That(Written(parsed, format), Is.EqualTo(wire), "the full parse wrote the same");
        Assert.That(wrapped!.Headers, Has.Count.EqualTo(1), "the header section is not parsed: it goes out as one raw header");
    }

    private static string Written(MimeMessage message, FormatOptions format)
    {
        using var stream = new MemoryStream();
        message.WriteTo(format, stream);
        return Encoding.ASCII.GetString(stream.ToArray());
    }

    private static ComposedPulse Composed(string name, string locale)
    {
        var options = new PulseOptions
        {
            SigningKeys = ["stored-test-signing-key-0123456789abcdef"], PublicBaseUrl = "https://pulse.example.com/",
        };
        var links = new PulseLinks(new PulseTokenCodec(options.SigningKeys), options);
        var user = new User("u-1", "u1@example.com", name, "Ops", "Lyon", null, Rank.Manager, "Europe/Paris", locale, true, false);
        var now = DateTimeOffset.UtcNow;
        return new PulseComposer(links, options).Compose(user,
            new PulseRecord(Guid.NewGuid(), user.Id, options.QuestionSet, "scheduled", now, now.AddDays(7)));
    }
}
