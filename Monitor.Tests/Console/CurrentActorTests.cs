using Microsoft.AspNetCore.Http;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>"Who is acting": the signed-in person, the admin key for /api, nobody otherwise.</summary>
public sealed class CurrentActorTests
{
    [Test]
    public void A_signed_in_person_acts_under_their_name_and_role()
    {
        var context = new DefaultHttpContext { User = ConsoleRoles.Principal("Alice Example", ConsoleRoles.Viewer, "oidc", "alice") };
        context.Request.Path = "/console/";
        Assert.That(Actor(context), Is.EqualTo(new Actor("Alice Example", "viewer")));
    }

    [Test]
    public void A_request_to_the_admin_api_acts_as_the_api_key()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/api/users/u1/acknowledgement";
        Assert.That(Actor(context), Is.EqualTo(new Actor("api-key", "api-key")));
    }

    [Test]
    public void Nobody_acts_without_a_session_outside_the_admin_api()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/console/";
        Assert.That(Actor(context), Is.Null);
        Assert.That(new CurrentActor(new HttpContextAccessor()).Current, Is.Null, "outside a request");
    }

    private static Actor? Actor(HttpContext context) => new CurrentActor(new HttpContextAccessor { HttpContext = context }).Current;
}
