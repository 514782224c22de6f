using Microsoft.Extensions.Options;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Exporter;

/// <summary>
/// More series a feature keeps equal to the store (visits, actions, …), refreshed by the exporter right after
/// the board, in every replica: one class and one line, <c>services.AddMetricsContributor&lt;T&gt;()</c>.
/// A contributor reads what it needs, adds its per-user families to <see cref="MetricsRefresh.Users"/> and hands
/// every change to a prometheus-net gauge to <see cref="MetricsRefresh.Publish"/> rather than making it: the changes
/// of the whole refresh become visible to scrapes together, at its end.
/// </summary>
public interface IMetricsContributor
{
    Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken);
}

/// <summary>What one refresh read: every user in the directory with their state, and the time of the read.</summary>
public sealed record MetricsRefresh(IReadOnlyList<BoardRow> Board, DateTimeOffset Now)
{
    /// <summary>
    /// The per-user families being built (none in anonymous mode): a contributor with a per-user family adds it
    /// here rather than creating a labelled gauge child per user.
    /// </summary>
    public UserSeriesBuilder Users { get; init; } = new([], id => id);

    /// <summary>
    /// The users in downtime now, each with whether they are on long leave: read once per refresh for everything that
    /// leaves them out (the per-user downtime series, group figures, objectives).
    /// </summary>
    public IReadOnlyDictionary<string, bool> InDowntime { get; init; } = new Dictionary<string, bool>();

    private readonly List<Action> _settings = [];

    /// <summary>
    /// A change to prometheus-net gauges (sets, removals), made when the refresh ends, together with every other change
    /// of the refresh and its per-user snapshot (<see cref="UserSeries.CommitAsync"/>): in-memory work only, no reads.
    /// </summary>
    public void Publish(Action settings) => _settings.Add(settings);

    internal IReadOnlyList<Action> Settings => _settings;
}

/// <summary>
/// The value of the <c>user</c> label: the id, or a keyed hash of it outside <c>identified</c> mode
/// (<see cref="PrivacyPolicy"/>). <see cref="ExportsIndividuals"/> is false in anonymous mode: no per-user series.
/// </summary>
public sealed class UserLabeler(IOptions<MetricsOptions> options, PrivacyPolicy? policy = null)
{
    private readonly PrivacyPolicy _policy = policy ?? new PrivacyPolicy(Options.Create(new PrivacyOptions()), options);

    public bool ExportsIndividuals => _policy.ShowsIndividuals;

    public string For(string userId) => _policy.Label(userId);
}

public static class MetricsContributorRegistration
{
    public static IServiceCollection AddMetricsContributor<T>(this IServiceCollection services)
        where T : class, IMetricsContributor
    {
        services.AddSingleton<IMetricsContributor, T>();
        return services;
    }
}
