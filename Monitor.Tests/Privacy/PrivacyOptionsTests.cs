using Microsoft.Extensions.Options;
using Monitor.Core.Privacy;
using Monitor.Probes.Pulse;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;

namespace Monitor.Tests.Privacy;

/// <summary>The Privacy settings, the old Metrics alias, the user label per mode and the pulse footer's sentence per mode.</summary>
public sealed class PrivacyOptionsTests
{
    private const string Key = "a-pseudonym-key-of-enough-length";

    private static PrivacyPolicy Policy(PrivacyOptions privacy, MetricsOptions? metrics = null) =>
        new(Options.Create(privacy), Options.Create(metrics ?? new MetricsOptions()));

    private static IReadOnlyList<string> Failures(PrivacyOptions privacy, MetricsOptions? metrics = null) =>
        new PrivacyOptionsValidator(Options.Create(metrics ?? new MetricsOptions())).Validate(null, privacy).Failures?.ToList() ?? [];

    [Test]
    public void The_defaults_are_valid_and_identified()
    {
        Assert.That(Failures(new PrivacyOptions()), Is.Empty);
        var policy = Policy(new PrivacyOptions());
        Assert.That((policy.Mode, policy.ShowsIndividuals, policy.Label("u001")), Is.EqualTo((PrivacyMode.Identified, true, "u001")));
    }

    [Test]
    public void Every_bad_setting_is_reported_with_its_full_key()
    {
        var failures = Failures(new PrivacyOptions
        {
            Mode = "secret", PseudonymKey = "short", MinGroupSize = 1, MinCommentGroupSize = 0,
            CommentRetention = TimeSpan.FromHours(1), NoteRetention = TimeSpan.Zero,
        });
        Assert.That(failures, Has.Some.Contains("Privacy:Mode must be identified, pseudonymous or anonymous (got 'secret')"));
        Assert.That(failures, Has.Some.Contains("Privacy:PseudonymKey must be at least 16 characters (got 5 without surrounding spaces)"));
        Assert.That(failures, Has.Some.Contains("Privacy:MinGroupSize must be between 2 and 1000"));
        Assert.That(failures, Has.Some.Contains("Privacy:MinCommentGroupSize must be between Privacy:MinGroupSize"));
        Assert.That(failures, Has.Some.Contains("Privacy:CommentRetention must be at least 1.00:00:00"));
        Assert.That(failures, Has.Some.Contains("Privacy:NoteRetention must be at least 1.00:00:00"));
    }

    [Test]
    public void Pseudonymous_mode_needs_a_key()
    {
        Assert.That(Failures(new PrivacyOptions { Mode = "pseudonymous" }),
            Has.Some.Contains("Privacy:PseudonymKey must be at least 16 characters when Privacy:Mode is pseudonymous"));
        Assert.That(Failures(new PrivacyOptions { Mode = "Pseudonymous", PseudonymKey = Key }), Is.Empty, "case-insensitive");
        Assert.That(Failures(new PrivacyOptions { Mode = "anonymous" }), Is.Empty, "anonymous needs no key");
    }

    [Test]
    public void The_old_metrics_settings_still_pseudonymise_with_the_same_labels()
    {
        var old = new MetricsOptions { PseudonymiseUsers = true, PseudonymKey = Key };
        Assert.That(Failures(new PrivacyOptions(), old), Is.Empty);
        var policy = Policy(new PrivacyOptions(), old);
        Assert.That(policy.Mode, Is.EqualTo(PrivacyMode.Pseudonymous));
        var configured = Policy(new PrivacyOptions { Mode = "pseudonymous", PseudonymKey = Key });
        Assert.That(policy.Label("u001"), Is.EqualTo(configured.Label("u001")));
        Assert.That(Failures(new PrivacyOptions { Mode = "identified" }, old),
            Has.Some.Contains("remove Metrics:PseudonymiseUsers (replaced by Privacy:Mode)"));
    }

    [Test]
    public void Outside_identified_mode_the_label_is_a_stable_keyed_hash()
    {
        var a = Policy(new PrivacyOptions { Mode = "pseudonymous", PseudonymKey = Key });
        var b = Policy(new PrivacyOptions { Mode = "pseudonymous", PseudonymKey = Key + "x" });
        Assert.That(a.Label("u001"), Does.Match("^u[0-9a-f]{16}$"));
        Assert.That(a.Label("u001"), Is.EqualTo(a.Label("u001")));
        Assert.That(a.Label("u001"), Is.Not.EqualTo(a.Label("u002")));
        Assert.That(a.Label("u001"), Is.Not.EqualTo(b.Label("u001")), "another key, another label");
        var anonymous = Policy(new PrivacyOptions { Mode = "anonymous" });
        Assert.That((anonymous.ShowsIndividuals, anonymous.Label("u001")), Is.EqualTo((false, anonymous.Label("u001"))));
        Assert.That(anonymous.Label("u001"), Does.Match("^u[0-9a-f]{16}$"));
        var labeler = new UserLabeler(Options.Create(new MetricsOptions()), anonymous);
        Assert.That(labeler.ExportsIndividuals, Is.False);
    }

    [TestCase(PrivacyMode.Identified, "with your name by the IT staff")]
    [TestCase(PrivacyMode.Pseudonymous, "carries a code instead of your name")]
    [TestCase(PrivacyMode.Anonymous, "Nobody sees your answer on its own")]
    public void The_pulse_footer_says_in_one_sentence_who_sees_the_answer(PrivacyMode mode, string expected)
    {
        var sentence = PulseTexts.Default.WhoSees(PulseLanguage.English, mode);
        Assert.That(sentence, Does.Contain(expected));
        Assert.That(sentence, Does.Contain("never used to evaluate you or anyone's work"));
        Assert.That(sentence.TrimEnd('.').Contains('.', StringComparison.Ordinal), Is.False, "one sentence");
        Assert.That(sentence, Does.EndWith("."));
    }
}
