namespace Monitor.Worker.StaffConsole;

/// <summary>Who is acting, recorded with acknowledgements, visits and actions.</summary>
/// <param name="Name">The signed-in person's name, or <see cref="CurrentActor.ApiKey"/> for a machine with the admin key.</param>
/// <param name="Role"><c>staff</c>, <c>viewer</c>, or <c>api-key</c>.</param>
public sealed record Actor(string Name, string Role);

/// <summary>"Who is acting" for the request being handled; null when nobody is signed in.</summary>
public interface ICurrentActor
{
    Actor? Current { get; }
}

/// <summary>The console's signed-in person, or the admin API's bearer key (checked before any /api endpoint runs).</summary>
internal sealed class CurrentActor(IHttpContextAccessor accessor) : ICurrentActor
{
    public const string ApiKey = "api-key";

    public Actor? Current
    {
        get
        {
            if (accessor.HttpContext is not { } context) return null;
            if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
                return new Actor(name, ConsoleRoles.Of(context.User) ?? ConsoleRoles.Viewer);
            // UseAdminApiKey answers 401 to every /api request without the key, so one that runs carries it.
            return context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                ? new Actor(ApiKey, ApiKey)
                : null;
        }
    }
}
