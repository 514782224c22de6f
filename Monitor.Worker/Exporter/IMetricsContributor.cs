using Microsoft.Extensions.Options;
using System.Security.Cryptography;
using System.Text;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Exporter;

/// <summary>
/// More series a feature keeps equal to the store (visits, actions, …), refreshed by the exporter right after
/// the board, in every replica: one class and one line, <c>services.AddMetricsContributor&lt;T&gt;()</c>.
/// </summary>
public interface IMetricsContributor
{
    Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken);
}

/// <summary>What one refresh read: every user in the directory with their state, and the time of the read.</summary>
public sealed record MetricsRefresh(IReadOnlyList<BoardRow> Board, DateTimeOffset Now);

/// <summary>The value of the <c>user</c> label: the id, or a keyed hash of it when users are pseudonymised.</summary>
public sealed class UserLabeler(IOptions<MetricsOptions> options)
{
    public string For(string userId)
    {
        var o = options.Value;
        if (!o.PseudonymiseUsers) return userId;
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.PseudonymKey!), Encoding.UTF8.GetBytes(userId));
        return "u" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
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
