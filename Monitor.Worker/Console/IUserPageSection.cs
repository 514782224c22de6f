using Microsoft.AspNetCore.Antiforgery;
using Monitor.Core.Users;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// A part of a user's console page that a feature contributes (visits, actions, …): one class and one line,
/// <c>services.AddUserPageSection&lt;T&gt;()</c>. The page renders every registered section in <see cref="Order"/>.
/// </summary>
public interface IUserPageSection
{
    /// <summary>Where the section goes on the page, smaller first.</summary>
    int Order { get; }

    /// <summary>The section's HTML; everything from outside encoded by the section, every form with the page's token.</summary>
    Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken);
}

/// <summary>What a section knows about the page being rendered.</summary>
/// <param name="Antiforgery">The hidden anti-forgery field to put in every form of the section.</param>
public sealed record UserPageContext(User User, Actor Actor, AntiforgeryTokenSet Tokens, string Antiforgery);

public static class UserPageSectionRegistration
{
    public static IServiceCollection AddUserPageSection<T>(this IServiceCollection services)
        where T : class, IUserPageSection
    {
        services.AddSingleton<IUserPageSection, T>();
        return services;
    }
}
