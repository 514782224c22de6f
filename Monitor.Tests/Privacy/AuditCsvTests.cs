using Monitor.Core.Ports;
using Monitor.Worker.Privacy;

namespace Monitor.Tests.Privacy;

/// <summary>The audit log's CSV: quoted where needed, and no cell a spreadsheet would run as a formula.</summary>
public sealed class AuditCsvTests
{
    [Test]
    public void Fields_are_quoted_and_formulas_defused()
    {
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var csv = AuditCsv.Write([
            new AuditEntry(at, "=HYPERLINK(\"x\")", AuditActions.ViewUser, "u001", "a, b"),
            new AuditEntry(at, "api-key", AuditActions.ExportUsers, null),
        ]);

        Assert.That(csv.Split("\r\n"), Is.EqualTo(new[]
        {
            "at,actor,action,subject_user_id,detail",
            "2026-11-23T09:00:00.0000000+00:00,\"'=HYPERLINK(\"\"x\"\")\",view_user,u001,\"a, b\"",
            "2026-11-23T09:00:00.0000000+00:00,api-key,export_users,,",
            "",
        }));
    }
}
