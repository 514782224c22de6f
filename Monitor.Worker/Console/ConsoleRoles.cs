using System.Security.Claims;
using System.Security.Cryptography;

namespace Monitor.Worker.StaffConsole;

/// <summary>Our two roles and the claims the console's cookie carries.</summary>
public static class ConsoleRoles
{
    public const string Staff = "staff";
    public const string Viewer = "viewer";

    /// <summary>Policy names: <c>Staff</c> sees individuals and acts; <c>Viewer</c> sees groups (staff are viewers too).</summary>
    public const string StaffPolicy = "Staff";
    public const string ViewerPolicy = "Viewer";

    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    /// <summary>How the person signed in: <c>oidc</c> or <c>local</c> (sign-out differs).</summary>
    public const string MethodClaim = "amr";

    /// <summary>A random id per sign-in, so that signing out can end exactly this session.</summary>
    public const string SessionClaim = "sid";

    /// <summary>The local account's stamp at sign-in (<see cref="LocalAccount.StampAsync"/>), on local sessions only.</summary>
    public const string AccountClaim = "account";

    public static ClaimsPrincipal Principal(string name, string role, string method, string? subject = null, string? account = null)
    {
        var identity = new ClaimsIdentity(method, NameClaim, RoleClaim);
        identity.AddClaim(new Claim(NameClaim, name));
        identity.AddClaim(new Claim(RoleClaim, role));
        identity.AddClaim(new Claim(MethodClaim, method));
        identity.AddClaim(new Claim(SessionClaim, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
        if (subject is not null) identity.AddClaim(new Claim("sub", subject));
        if (account is not null) identity.AddClaim(new Claim(AccountClaim, account));
        return new ClaimsPrincipal(identity);
    }

    public static string? Of(ClaimsPrincipal user) =>
        user.IsInRole(Staff) ? Staff : user.IsInRole(Viewer) ? Viewer : null;

    /// <summary>The provider's values mapped to ours: any staff value makes staff, else any viewer value makes viewer.</summary>
    public static string? Map(IEnumerable<string> providerValues, OidcOptions oidc)
    {
        var values = providerValues.ToHashSet(StringComparer.Ordinal);
        if (oidc.StaffRoles.Any(values.Contains)) return Staff;
        return oidc.ViewerRoles.Any(values.Contains) ? Viewer : null;
    }
}
