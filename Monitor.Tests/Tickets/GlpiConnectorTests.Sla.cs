using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>GLPI SLA breaches dated at the deadline that passed.</summary>
public sealed partial class GlpiConnectorTests
{
    /// <summary>
    /// search/Ticket rows (apirest.md, "Search items") with the Ticket search options of GLPI's Ticket::rawSearchOptions and
    /// CommonITILObject: 18 time_to_resolve, 82 "Time to resolve exceeded", 155 time_to_own, 159 "Time to own exceeded",
    /// 19 date_mod; dates in the server's zone.
    /// </summary>
    [TestCase("1", "0", "2026-01-04 17:00:00")]
    [TestCase("1", "1", "2026-01-03 12:00:00")]
    [TestCase("0", "1", "2026-01-03 12:00:00")]
    public async Task An_sla_breach_is_dated_at_the_deadline_that_passed(string resolveExceeded, string ownExceeded, string expected)
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        server.On("/apirest.php/search/Ticket", Reply.Json($$"""
            {"totalcount":1,"count":1,"sort":19,"order":"ASC","data":[{"2":7,"19":"2026-01-05 11:00:00",
              "82":{{resolveExceeded}},"18":"2026-01-04 17:00:00","159":{{ownExceeded}},"155":"2026-01-03 12:00:00"}]}
            """));
        ServeRequester(server, "7");
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var breach = harness.Sink.Signals.Single();
        Assert.That((breach.Kind, breach.Source), Is.EqualTo((SignalKinds.TicketSlaBreached, "glpi:7:sla_breached")));
        Assert.That(breach.ObservedAt, Is.EqualTo(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(server.Requests.Any(r =>
            r.PathAndQuery.Contains("forcedisplay[3]=18") && r.PathAndQuery.Contains("forcedisplay[5]=159")),
            "the deadlines are asked for");
    }
}
