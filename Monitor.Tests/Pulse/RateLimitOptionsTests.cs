using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;

namespace Monitor.Tests.Pulse;

/// <summary><c>RateLimits</c>: sensible defaults, and every bad value named by its full key.</summary>
public sealed class RateLimitOptionsTests
{
    private static RateLimitOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPublicRateLimits(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<RateLimitOptions>>().Value;
    }

    [Test]
    public void Defaults_are_thirty_per_ten_seconds_per_client_and_ten_per_minute_per_token()
    {
        var o = Bind([]);
        Assert.That((o.ClientPermits, o.ClientWindow, o.TokenPermits, o.TokenWindow),
            Is.EqualTo((30, TimeSpan.FromSeconds(10), 10, TimeSpan.FromMinutes(1))));
    }

    [Test]
    public void Every_bad_value_is_named()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["RateLimits:ClientPermits"] = "0",
            ["RateLimits:ClientWindow"] = "00:00:00",
            ["RateLimits:TokenPermits"] = "-1",
            ["RateLimits:TokenWindow"] = "02:00:00",
        }));
        Assert.That(e!.Failures.Select(f => f.Split(' ')[0]),
            Is.EquivalentTo(new[]
            {
                "RateLimits:ClientPermits", "RateLimits:ClientWindow", "RateLimits:TokenPermits", "RateLimits:TokenWindow",
            }));
    }
}
