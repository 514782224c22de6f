using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Monitor.Core.Privacy;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Privacy;

/// <summary>The name a log line gives a user: the id when identified, else the same label as the metrics.</summary>
public interface IUserLogName
{
    string For(string userId);
}

/// <summary>
/// The effective privacy mode (<c>Privacy:Mode</c>, or the older <c>Metrics:PseudonymiseUsers</c>) and the one
/// user label that metrics, logs and anything else outside the console print. Others ask it before they show an
/// individual: <see cref="ShowsIndividuals"/>.
/// </summary>
public sealed class PrivacyPolicy : IUserLogName
{
    private readonly byte[] _key;

    public PrivacyPolicy(IOptions<PrivacyOptions> privacy, IOptions<MetricsOptions> metrics)
    {
        Options = privacy.Value;
        Mode = EffectiveMode(privacy.Value, metrics.Value);
        // Anonymous without a key still needs a label for logs: a per-process key makes it unlinkable across restarts.
        _key = EffectiveKey(privacy.Value, metrics.Value) is { Length: > 0 } key
            ? Encoding.UTF8.GetBytes(key)
            : RandomNumberGenerator.GetBytes(32);
    }

    public PrivacyMode Mode { get; }

    public PrivacyOptions Options { get; }

    /// <summary>False in anonymous mode: no per-user series, no individual in the console or the admin API's reads.</summary>
    public bool ShowsIndividuals => Mode != PrivacyMode.Anonymous;

    /// <summary>The <c>user</c> label and the log name: the id when identified, else <c>u</c> and 16 hex digits.</summary>
    public string Label(string userId) => Mode == PrivacyMode.Identified ? userId : Pseudonym(_key, userId);

    string IUserLogName.For(string userId) => Label(userId);

    public static string Pseudonym(byte[] key, string userId) =>
        "u" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId)).AsSpan(0, 8));

    internal static PrivacyMode EffectiveMode(PrivacyOptions o, MetricsOptions m) =>
        PrivacyNotice.Parse(o.Mode) ?? (m.PseudonymiseUsers ? PrivacyMode.Pseudonymous : PrivacyMode.Identified);

    internal static string? EffectiveKey(PrivacyOptions o, MetricsOptions m) =>
        string.IsNullOrEmpty(o.PseudonymKey) ? m.PseudonymKey : o.PseudonymKey;
}
