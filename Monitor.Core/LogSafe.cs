using System.Globalization;
using System.Text;

namespace Monitor.Core;

/// <summary>
/// Makes a value someone outside sent (a vendor's webhook, a ticket system's reply, a person's input) safe to put in a
/// log line or an error message: control characters (newline, NUL, escape), line separators and invisible format
/// characters (bidi overrides such as U+202E, zero-width characters) become visible <c>\n</c>, <c>\0</c> or
/// <c>\uXXXX</c> escapes, a backslash is doubled so that an escape cannot be faked, and a long value is cut. Raw, such
/// a value forges log lines, hides text from a reader or reorders what the reader sees.
/// </summary>
public static class LogSafe
{
    /// <summary>The characters kept of a value; the rest is replaced by a note of how many were cut.</summary>
    public const int MaxLength = 200;

    /// <summary>The value escaped and cut to <see cref="MaxLength"/> characters; <c>null</c> stays null.</summary>
    public static string? Value(string? value, int maxLength = MaxLength)
    {
        if (value is null) return null;
        var cut = value.Length > maxLength ? maxLength : value.Length;
        if (cut == value.Length && !NeedsEscaping(value)) return value;
        var b = new StringBuilder(cut + 16);
        for (var i = 0; i < cut; i++) Append(b, value[i], i, value);
        if (cut < value.Length) b.Append(CultureInfo.InvariantCulture, $"…(+{value.Length - cut} chars)");
        return b.ToString();
    }

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
            if (value[i] == '\\' || Unsafe(value[i], i, value)) return true;
        return false;
    }

    private static void Append(StringBuilder b, char c, int i, string value)
    {
        switch (c)
        {
            case '\\': b.Append(@"\\"); return;
            case '\n': b.Append(@"\n"); return;
            case '\r': b.Append(@"\r"); return;
            case '\t': b.Append(@"\t"); return;
            case '\0': b.Append(@"\0"); return;
        }
        if (Unsafe(c, i, value)) b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        else b.Append(c);
    }

    private static bool Unsafe(char c, int i, string value)
    {
        // A surrogate is fine in a pair (an emoji); a lone one is not text.
        if (char.IsHighSurrogate(c)) return i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]);
        if (char.IsLowSurrogate(c)) return i == 0 || !char.IsHighSurrogate(value[i - 1]);
        return char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
