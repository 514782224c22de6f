using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>ServiceNow SLA breaches dated by the incident's breached task SLA.</summary>
public sealed partial class ServiceNowConnectorTests
{
    /// <summary>
    /// task_sla rows through the Table API (servicenow.com docs, "Task SLA table": Breach time, the time the SLA breaches,
    /// is planned_end_time; has_breached says it did). Values with sysparm_display_value=false, i.e. UTC.
    /// </summary>
    [Test]
    public async Task A_missed_sla_is_dated_by_the_earliest_breach_time_of_its_task_slas()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", ["sysparm_offset=0"], Reply.Json("""
            {"result":[{"sys_id":"a1","number":"INC0010001","sys_updated_on":"2026-01-05 10:00:00","reopen_count":"0",
              "reopened_time":"","made_sla":"false","caller_id.email":"ann@example.com","caller_id.user_name":"ann"}]}
            """));
        server.On("/api/now/table/sys_journal_field", Reply.Json("""{"result":[]}"""));
        server.On("/api/now/table/task_sla", ["task=a1^has_breached=true"], Reply.Json("""
            {"result":[{"sys_id":"s2","has_breached":"true","planned_end_time":"2026-01-04 18:00:00"},
                       {"sys_id":"s1","has_breached":"true","planned_end_time":"2026-01-03 14:30:00"}]}
            """));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var breach = harness.Sink.Signals.Single(s => s.Kind == SignalKinds.TicketSlaBreached);
        Assert.That(breach.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 3, 14, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Without_readable_task_slas_a_missed_sla_is_dated_at_the_update()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", ["sysparm_offset=0"], Reply.Json("""
            {"result":[{"sys_id":"a1","number":"INC0010001","sys_updated_on":"2026-01-05 10:00:00","reopen_count":"0",
              "reopened_time":"","made_sla":"false","caller_id.email":"ann@example.com","caller_id.user_name":"ann"}]}
            """));
        server.On("/api/now/table/sys_journal_field", Reply.Json("""{"result":[]}"""));
        server.On("/api/now/table/task_sla", Reply.Json("""{"error":{"message":"User Not Authorized"},"status":"failure"}""") with
        {
            Status = 403,
        });
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var breach = harness.Sink.Signals.Single(s => s.Kind == SignalKinds.TicketSlaBreached);
        Assert.That(breach.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero)));
    }
}
