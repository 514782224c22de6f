using Monitor.Core.Users;
using Monitor.Worker.UserDirectory;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.UserDirectory;

public sealed class CsvDirectorySourceTests
{
    private const string Header = "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out";

    private static Task<global::Monitor.Core.Ports.DirectoryReadResult> Parse(params string[] lines) =>
        CsvDirectorySource.ParseAsync(new StringReader(string.Join('\n', lines)), "users.csv", CancellationToken.None);

    [Test]
    public async Task The_sample_directory_has_about_fifty_valid_users_across_departments_sites_and_ranks()
    {
        using var reader = new StreamReader(TestPaths.Samples("users.csv"));
        var result = await CsvDirectorySource.ParseAsync(reader, "users.csv", CancellationToken.None);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Users, Has.Count.EqualTo(50));
        Assert.That(result.Users.Select(u => u.Department).Distinct().Count(), Is.GreaterThanOrEqualTo(5));
        Assert.That(result.Users.Select(u => u.Site).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
        Assert.That(result.Users.Select(u => u.Rank).Distinct(), Is.EquivalentTo(Enum.GetValues<Rank>()));
    }

    [Test]
    public async Task Every_bad_row_is_reported_with_its_line_and_nothing_of_the_file_is_imported()
    {
        var result = await Parse(Header,
            "u1,ann@example.com,Ann,Finance,Paris,,manager,Europe/Paris,fr-FR,true,false",
            "u2,not-an-address,Bob,Finance,Paris,,boss,Mars/Olympus,xx-YY,maybe,false",
            "u1,carl@example.com,Carl,Finance,Paris,,,UTC,en,true,false",
            "u4,dina@example.com,,Sales,London,,,UTC,en,true,false");
        Assert.That(result.Users, Is.Empty);
        Assert.That(result.Errors, Has.Count.EqualTo(3));
        Assert.That(result.Errors[0], Does.StartWith("users.csv line 3: email 'not-an-address' is not an e-mail address"));
        Assert.That(result.Errors[0], Does.Contain("rank 'boss'").And.Contain("time_zone 'Mars/Olympus'").And.Contain("active 'maybe'"));
        Assert.That(result.Errors[1], Is.EqualTo("users.csv line 4: id 'u1' appears twice"));
        Assert.That(result.Errors[2], Is.EqualTo("users.csv line 5: display_name is empty"));
    }

    [Test]
    public async Task A_file_without_the_required_columns_is_refused()
    {
        var result = await Parse("id,email", "u1,a@example.com");
        Assert.That(result.Errors.Single(), Is.EqualTo("users.csv: the header lacks column(s) display_name, department, site"));
    }

    [Test]
    public async Task Broken_quoting_is_reported_not_mended()
    {
        var result = await Parse(Header, "u1,\"ann@example.com,Ann,Finance,Paris,,,UTC,en,true,false");
        Assert.That(result.Users, Is.Empty);
        Assert.That(result.Errors, Is.Not.Empty);
    }

    [Test]
    public async Task Optional_columns_take_their_defaults()
    {
        var result = await Parse("id,email,display_name,department,site", "u1,Ann@Example.com,Ann,Finance,Paris");
        var u = result.Users.Single();
        Assert.That((u.Email, u.Rank, u.TimeZone, u.Locale, u.Active, u.OptedOut),
            Is.EqualTo(("ann@example.com", Rank.IndividualContributor, "UTC", "en", true, false)));
    }
}
