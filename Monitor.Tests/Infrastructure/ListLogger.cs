using Microsoft.Extensions.Logging;

namespace Monitor.Tests.Infrastructure;

/// <summary>A logger that keeps every formatted message, for tests that read what a component logged.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public List<string> Lines { get; } = [];

    /// <summary>The exception logged with each line (null for none), in the order of <see cref="Lines"/>.</summary>
    public List<Exception?> Exceptions { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add(formatter(state, exception));
            Exceptions.Add(exception);
        }
    }
}
