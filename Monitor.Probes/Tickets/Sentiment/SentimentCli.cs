using System.Globalization;
using System.Net;
using System.Text;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The evaluation entry point behind the worker's <c>sentiment</c> verb: one text per input line, one score
/// per output line ("0.4215", invariant culture), streamed so that it works on files of any size.
/// </summary>
public static class SentimentCli
{
    /// <summary>Scores each line of <paramref name="input"/> with the English analyser. Returns the exit code.</summary>
    public static int Run(TextReader input, TextWriter output) => Run(input, output, "en");

    /// <summary>
    /// The longest line read, in characters: far above any text worth scoring (the model reads the first 4,096), and a
    /// bound on memory when the input never ends a line (<c>&lt; /dev/zero</c> grew the process to 8 GB in 11 s).
    /// </summary>
    public const int MaxLineChars = 1 << 20;

    /// <summary>Scores each line of <paramref name="input"/> with the analyser for <paramref name="language"/>.</summary>
    public static int Run(TextReader input, TextWriter output, string language) => Run(input, output, TextWriter.Null, language);

    /// <summary>
    /// Scores each line of <paramref name="input"/> with the analyser for <paramref name="language"/>. Returns the exit
    /// code: 2 for an unknown language, 1 when a line is longer than <see cref="MaxLineChars"/> (the lines before it are
    /// scored; why goes to <paramref name="error"/>), else 0.
    /// </summary>
    public static int Run(TextReader input, TextWriter output, TextWriter error, string language)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!SentimentAnalysers.TryForLanguage(language, out var analyser))
        {
            error.WriteLine($"sentiment: no analyser for the language '{Monitor.Core.LogSafe.Value(language)}'");
            return 2;
        }
        Span<char> buffer = stackalloc char[16];
        var read = new StringBuilder();
        for (var number = 1; ReadLine(input, read) is var complete && complete is not null; number++)
        {
            if (complete == false)
            {
                output.Flush();
                error.WriteLine($"sentiment: line {number} is longer than {MaxLineChars} characters; nothing more was read");
                return 1;
            }
            var line = read.ToString();
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

    /// <summary>
    /// <see cref="TextReader.ReadLine"/> with a bound: true with a line in <paramref name="line"/>, false when it passes
    /// <see cref="MaxLineChars"/>, null at the end of the input. Ends a line at \n, \r or \r\n, as ReadLine does.
    /// </summary>
    private static bool? ReadLine(TextReader input, StringBuilder line)
    {
        line.Clear();
        int c;
        while ((c = input.Read()) >= 0)
        {
            if (c == '\n') return true;
            if (c == '\r')
            {
                if (input.Peek() == '\n') input.Read();
                return true;
            }
            if (line.Length == MaxLineChars) return false;
            line.Append((char)c);
        }
        return line.Length > 0 ? true : null;
    }
}
