using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Probes;
using Monitor.Worker.Endpoints;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Console;

/// <summary>The Console section's validation (every failure, each naming its key) and what the options make of the cookies.</summary>
public sealed class ConsoleOptionsTests
{
    [Test]
    public void Every_problem_is_reported_with_its_full_key()
    {
        var options = new ConsoleOptions
        {
            SessionLifetime = TimeSpan.Zero,
            LocalAccount = new LocalAccountOptions { User = " ", Password = "short" },
            Oidc = new OidcOptions
            {
                Authority = "http://idp.example.com/", RoleClaim = "", Scopes = ["two words"], RecheckInterval = TimeSpan.FromSeconds(30),
            },
        };
        var result = new ConsoleOptionsValidator().Validate(null, options);
        Assert.That(result.Failures, Has.Some.StartsWith("Console:SessionLifetime must be positive"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:LocalAccount:User must be"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:LocalAccount:Password must be at least 12 characters"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:Authority must use https"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:ClientId is required"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:RoleClaim must name"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:StaffRoles needs at least one"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:Scopes:0 must be a single word"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:Oidc:RecheckInterval must be between 00:01:00 and 1.00:00:00"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:LocalAccount:Password is used only without Console:Oidc:Authority"));
    }

    [Test]
    public void The_defaults_are_valid_and_have_no_password()
    {
        var options = new ConsoleOptions();
        Assert.That(new ConsoleOptionsValidator().Validate(null, options).Succeeded, Is.True);
        Assert.That(options.LocalAccount.Password, Is.Null);
        Assert.That(options.LocalAccount.User, Is.EqualTo("admin"));
        Assert.That(options.SessionLifetime, Is.EqualTo(TimeSpan.FromHours(8)));
        Assert.That(options.Oidc.RoleClaim, Is.EqualTo("roles"));
        Assert.That(options.Oidc.RecheckInterval, Is.EqualTo(TimeSpan.FromMinutes(15)));
    }

    [TestCase("http://127.0.0.1:5000/", false)]
    [TestCase("http://localhost:5000/", false)]
    [TestCase("https://login.example.com/tenant/v2.0", true)]
    public void Https_metadata_is_required_except_from_a_loopback_http_authority(string authority, bool required)
    {
        using var app = Build(new()
        {
            ["Console:Oidc:Authority"] = authority,
            ["Console:Oidc:ClientId"] = "monitor",
            ["Console:Oidc:StaffRoles:0"] = "it",
        });
        var oidc = app.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(ConsoleExtensions.OidcScheme);
        Assert.Multiple(() =>
        {
            Assert.That(oidc.RequireHttpsMetadata, Is.EqualTo(required));
            Assert.That(oidc.UsePkce, Is.True);
            Assert.That(oidc.ResponseType, Is.EqualTo("code"));
            Assert.That(oidc.CallbackPath.Value, Is.EqualTo("/console/signin-oidc"));
        });
    }

    [TestCase("https://0.0.0.0:9464", CookieSecurePolicy.Always)]
    [TestCase("http://127.0.0.1:9464", CookieSecurePolicy.SameAsRequest)]
    public void Cookies_are_secure_when_the_internal_listener_is_https(string internalUrl, CookieSecurePolicy policy)
    {
        using var app = Build(new() { ["Endpoints:Internal"] = internalUrl, ["Console:SessionLifetime"] = "02:00:00" });
        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleExtensions.CookieScheme);
        Assert.Multiple(() =>
        {
            Assert.That(cookie.Cookie.SecurePolicy, Is.EqualTo(policy));
            Assert.That(cookie.Cookie.HttpOnly, Is.True);
            Assert.That(cookie.Cookie.SameSite, Is.EqualTo(SameSiteMode.Lax));
            Assert.That(cookie.ExpireTimeSpan, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(cookie.SlidingExpiration, Is.False);
            var antiforgery = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value;
            Assert.That(antiforgery.Cookie.SecurePolicy, Is.EqualTo(policy));
        });
    }

    [Test]
    public void Provider_roles_map_to_staff_before_viewer_and_unknown_values_to_nothing()
    {
        var oidc = new OidcOptions { StaffRoles = ["it-staff"], ViewerRoles = ["it-helpdesk"] };
        Assert.That(ConsoleRoles.Map(["everyone", "it-helpdesk", "it-staff"], oidc), Is.EqualTo(ConsoleRoles.Staff));
        Assert.That(ConsoleRoles.Map(["it-helpdesk"], oidc), Is.EqualTo(ConsoleRoles.Viewer));
        Assert.That(ConsoleRoles.Map(["IT-STAFF", "finance"], oidc), Is.Null, "values compare exactly");
    }

    [TestCase("/console/users/u1?x=1", "/console/users/u1?x=1")]
    [TestCase("https://evil.example/", "/console/")]
    [TestCase("//evil.example/console", "/console/")]
    [TestCase("/console\\..\\x", "/console/")]
    [TestCase("/metrics", "/console/")]
    [TestCase(null, "/console/")]
    public void Return_urls_stay_inside_the_console(string? url, string expected) =>
        Assert.That(ConsoleEndpoints.SafeReturnUrl(url), Is.EqualTo(expected));

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddValidatedOptions<EndpointOptions, EndpointOptionsValidator>(builder.Configuration, EndpointOptions.Section);
        // The key ring lives in the store; these tests never reach it, but the options need it composed.
        var store = Path.Combine(TestPaths.NewTempDir("sm-console-options"), "m.db");
        builder.Services.Configure<StorageOptions>(o => o.ConnectionString = $"Data Source={store}");
        builder.Services.AddSingleton<Database>();
        builder.AddConsole();
        return builder.Build();
    }
}
