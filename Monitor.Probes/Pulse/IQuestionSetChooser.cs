using Monitor.Core.Users;

namespace Monitor.Probes.Pulse;

/// <summary>
/// Which question set a new pulse asks, per person (e.g. a campaign of the <c>value</c> set for some departments).
/// Asked once per dispatch run (or single pulse), so that an implementation reads its source once, not per person.
/// </summary>
public interface IQuestionSetChooser
{
    /// <summary>The choice for pulses created at <paramref name="now"/>: a set's name, or null for <c>Pulse:QuestionSet</c>.</summary>
    Task<Func<User, string?>> ForRunAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
