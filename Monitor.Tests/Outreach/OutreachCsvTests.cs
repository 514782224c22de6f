using Monitor.Core.Outreach;
using Monitor.Core.Users;
using Monitor.Worker.Endpoints;

namespace Monitor.Tests.Outreach;

/// <summary>The "who to visit" CSV: names and groups come from the directory export, so none may run as a formula.</summary>
public sealed class OutreachCsvTests
{
    [Test]
    public void Cells_that_start_like_a_formula_are_escaped_and_quoted_where_needed()
    {
        var user = new User("u001", "a@example.com", "=HYPERLINK(\"http://evil.example/\",\"x\")", "-HR", "@Paris", null,
            Rank.Manager, "Europe/Paris", "fr-FR", true, false);
        var csv = OutreachCsv.Render([
            new OutreachLine(user, OutreachReason.NoContact, new DateOnly(2026, 11, 2), "+never, contacted"),
            new OutreachLine(user with { DisplayName = "Ann \"Nan\"", Department = "Finance", Site = "Paris" },
                OutreachReason.Welcome, null, "\tnew hire"),
        ]);

        Assert.That(csv.Split('\n'), Is.EqualTo(new[]
        {
            "user_id,display_name,department,site,reason,since,explanation",
            "u001,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",\"'-HR\",\"'@Paris\",no_contact,2026-11-02,\"'+never, contacted\"",
            "u001,\"Ann \"\"Nan\"\"\",Finance,Paris,welcome,,\"'\tnew hire\"",
            "",
        }));
    }
}
