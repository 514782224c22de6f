using System.Globalization;
using System.Net;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The evaluation entry point behind the worker's <c>sentiment</c> verb: one text per input line, one score
/// per output line ("0.4215", invariant culture), streamed so that it works on files of any size.
/// </summary>
public static class SentimentCli
{
    /// <summary>Scores each line of <paramref name="input"/> with the English analyser. Returns the exit code.</summary>
    public static int Run(TextReader input, TextWriter output) => Run(input, output, "en");

    /// <summary>Scores each line of <paramref name="input"/> with the analyser for <paramref name="language"/>.</summary>
    public static int Run(TextReader input, TextWriter output, string language)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (!SentimentAnalysers.TryForLanguage(language, out var analyser))
        {
            return 2;
        }
        Span<char> buffer = stackalloc char[16];
        while (input.ReadLine() is { } line)
        {
            // Evaluation sets and exports carry HTML entities ("it&#39;s", "&quot;great&quot;"): read them as the
            // characters they stand for, as the ticket path does when it strips markup.
            var text = line.Contains('&') ? WebUtility.HtmlDecode(line) : line;
            var score = analyser.Analyse(text).Score;
            // TryFormat into a stack buffer keeps the loop free of per-line string allocations.
            if (score.TryFormat(buffer, out var written, "0.0000", CultureInfo.InvariantCulture))
            {
                output.Write(buffer[..written]);
            }
            output.Write('\n');
        }
        output.Flush();
        return 0;
    }
}
