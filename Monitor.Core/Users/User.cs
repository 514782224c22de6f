namespace Monitor.Core.Users;

/// <summary>Where a person stands in the organisation; executives' dissatisfaction is routed differently.</summary>
public enum Rank
{
    IndividualContributor,
    Manager,
    Executive,
}

/// <summary>One end user as the directory knows them. The id is the directory's own key.</summary>
/// <param name="Joined">The directory's join date, when it has one (welcome visits).</param>
public sealed record User(
    string Id,
    string Email,
    string DisplayName,
    string Department,
    string Site,
    string? Manager,
    Rank Rank,
    string TimeZone,
    string Locale,
    bool Active,
    bool OptedOut,
    DateOnly? Joined = null);
