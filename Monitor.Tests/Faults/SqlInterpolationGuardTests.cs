using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Faults;

/// <summary>
/// A guard over the source: SQL text may be built only from constants and dialect fragments, never from a value.
/// A value in the text is a new statement per call (Dapper caches each one for the life of the process) and an
/// injection risk. Every hole of an interpolated SQL string must be one of the reviewed fragments below; a new one
/// fails here until it is a parameter, or reviewed and added with the reason it is constant.
/// </summary>
public sealed partial class SqlInterpolationGuardTests
{
    // Reviewed: each is a compile-time constant, a dialect fragment, or a name chosen from a fixed list in code.
    private static readonly HashSet<string> Reviewed = new(StringComparer.Ordinal)
    {
        "Columns", "SignalColumns", "ActionColumns", "CommentColumns", "OfPulses", "Select", // const column lists
        "db.Dialect.SkipLocked", "db.Dialect.In(\"id\", \"ids\")", "db.Dialect.In(\"id\", \"pulses\")",
        "db.Dialect.In(\"kind\", \"kinds\")", "db.Dialect.InChunk(\"id\")", "db.Dialect.InChunk(\"user_id\")",
        "rowId", // StoreDialect.RowId
        "table", "set", "where", "at", // RetentionRepository: table and column names from literals in the same file
        "insert", "suffix", // StoreDialect.InsertManyAsync: the caller's constant statement around positional parameters
        "columns", // StoreDialect.CopyManyAsync: the caller's constant column list (its table is "table" above)
        "string.Join(',', Enumerable.Range(0, list[0].Width).Select(j => $\"@p{j}\"))", // parameter names @p0..@pn
        "(shippedOnly ? \"WHERE shipped_at IS NOT NULL\" : \"\")", // one of two constant texts
        "(userId is null ? \"\" : \"AND user_id = @userId\")", // one of two constant texts
        "column", "Columns[groupType]", // GroupCommentRepository: "department" or "site" from its fixed map, never the request
        "Written", // GroupCommentRepository: a const condition with parameters
        "db.Dialect.In(\"parent\", \"parents\")", // IncidentRepository: the parents as a list parameter
        "db.Dialect.InChunk(\"downtime_id\")", // DowntimeRepository: the listed downtimes' ids, chunked
    };

    private static readonly string[] Folders = ["Monitor.Worker", "Monitor.Probes"];

    [Test]
    public void No_sql_statement_interpolates_anything_but_reviewed_constant_fragments()
    {
        var found = new List<string>();
        foreach (var file in Folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, f), "*.cs",
                     SearchOption.AllDirectories)))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            foreach (var (start, literal, holes) in InterpolatedStrings(text))
            {
                if (!Sql().IsMatch(literal)) continue;
                foreach (var expression in holes.Select(h => h.Trim()).Where(h => !Reviewed.Contains(h)))
                {
                    var line = text[..start].Count(c => c == '\n') + 1;
                    found.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}:{line}: {{{expression}}}");
                }
            }
        }
        Assert.That(found, Is.Empty, "SQL text built from a value: bind it as a parameter (times as DateTimeOffset)");
    }

    [Test]
    public void The_guard_sees_a_time_written_into_an_insert_even_beside_a_nested_literal()
    {
        const string bad = "c.ExecuteAsync($\"INSERT INTO signals (received_at) VALUES ({now.ToUnixTimeMilliseconds()}) " +
                           "WHERE {db.Dialect.In(\"id\", \"ids\")} AND x = '{value}'\");";
        var (_, literal, holes) = InterpolatedStrings(bad).Single();
        Assert.That(Sql().IsMatch(literal), Is.True);
        Assert.That(holes, Is.EqualTo(new[] { "now.ToUnixTimeMilliseconds()", "db.Dialect.In(\"id\", \"ids\")", "value" }));
    }

    /// <summary>
    /// Every interpolated string literal ($"…", $@"…", @$"…", raw $"""…""") with its text and the expressions of its
    /// holes. A small scanner rather than a regex: holes hold string literals and braces of their own, and a '$' in
    /// an ordinary string, a character literal or a comment starts nothing.
    /// </summary>
    private static List<(int Start, string Text, List<string> Holes)> InterpolatedStrings(string s)
    {
        var found = new List<(int, string, List<string>)>();
        var i = 0;
        while (i < s.Length)
        {
            if (At(s, i, "//")) i = Until(s, i, "\n");
            else if (At(s, i, "/*")) i = Until(s, i + 2, "*/");
            else if (s[i] == '\'') i = SkipQuoted(s, i, '\'');
            else if (At(s, i, "$\"") || At(s, i, "$@\"") || At(s, i, "@$\""))
            {
                var start = i;
                var verbatim = s[i] == '@' || s[i + 1] == '@';
                i += verbatim ? 2 : 1;
                var raw = At(s, i, "\"\"\"");
                i += raw ? 3 : 1;
                var text = new System.Text.StringBuilder();
                var holes = new List<string>();
                while (i < s.Length)
                {
                    if (raw ? At(s, i, "\"\"\"") : s[i] == '"' && !(verbatim && At(s, i, "\"\"")))
                    {
                        i += raw ? 3 : 1;
                        break;
                    }
                    if (At(s, i, "{{") || (!raw && (At(s, i, "\"\"") || (!verbatim && s[i] == '\\'))))
                    {
                        text.Append(s, i, 2);
                        i += 2;
                    }
                    else if (s[i] == '{')
                    {
                        var end = HoleEnd(s, i + 1);
                        holes.Add(s[(i + 1)..end]);
                        i = end + 1;
                    }
                    else
                    {
                        text.Append(s[i++]);
                    }
                }
                found.Add((start, text.ToString(), holes));
            }
            else if (At(s, i, "\"\"\"")) i = Until(s, i + 3, "\"\"\"");
            else if (At(s, i, "@\"")) i = SkipVerbatim(s, i + 2);
            else if (s[i] == '"') i = SkipQuoted(s, i, '"');
            else i++;
        }
        return found;
    }

    private static bool At(string s, int i, string what) => s.AsSpan(i).StartsWith(what, StringComparison.Ordinal);

    // The index after the next occurrence of what (or the end).
    private static int Until(string s, int i, string what)
    {
        var at = s.IndexOf(what, i, StringComparison.Ordinal);
        return at < 0 ? s.Length : at + what.Length;
    }

    private static int SkipQuoted(string s, int i, char quote)
    {
        for (i++; i < s.Length && s[i] != quote && s[i] != '\n'; i++) if (s[i] == '\\') i++;
        return i + 1;
    }

    private static int SkipVerbatim(string s, int i)
    {
        for (; i < s.Length; i++)
        {
            if (s[i] != '"') continue;
            if (At(s, i, "\"\"")) i++;
            else return i + 1;
        }
        return i;
    }

    // The closing brace of a hole: nested braces counted, nested "…" literals skipped, a format ':' ends nothing here.
    private static int HoleEnd(string s, int j)
    {
        var depth = 0;
        for (; j < s.Length; j++)
        {
            switch (s[j])
            {
                case '"':
                    for (j++; j < s.Length && s[j] != '"'; j++) if (s[j] == '\\') j++;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth == 0:
                    return j;
                case '}':
                    depth--;
                    break;
            }
        }
        return s.Length - 1;
    }

    [GeneratedRegex("\\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|VALUES|FROM STDIN)\\b")]
    private static partial Regex Sql();
}
