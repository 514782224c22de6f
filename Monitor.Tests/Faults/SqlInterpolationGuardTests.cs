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
        "string.Join(',', Enumerable.Range(0, list[0].Width).Select(j => $\"@p{j}\"))", // parameter names @p0..@pn
        "(shippedOnly ? \"WHERE shipped_at IS NOT NULL\" : \"\")", // one of two constant texts
        "(userId is null ? \"\" : \"AND user_id = @userId\")", // one of two constant texts
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
            foreach (Match literal in InterpolatedLiteral().Matches(text))
            {
                if (!Sql().IsMatch(literal.Value)) continue;
                foreach (Match hole in Hole().Matches(literal.Value))
                {
                    var expression = hole.Groups[1].Value.Trim();
                    if (Reviewed.Contains(expression) || NestedParameterName().IsMatch(expression)) continue;
                    var line = text[..literal.Index].Count(c => c == '\n') + 1;
                    found.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}:{line}: {{{expression}}}");
                }
            }
        }
        Assert.That(found, Is.Empty, "SQL text built from a value: bind it as a parameter (times as DateTimeOffset)");
    }

    [Test]
    public void The_guard_sees_a_time_written_into_an_insert()
    {
        const string bad = "c.ExecuteAsync($\"INSERT INTO signals (received_at) VALUES ({now.ToUnixTimeMilliseconds()})\");";
        var literal = InterpolatedLiteral().Match(bad);
        Assert.That(Sql().IsMatch(literal.Value), Is.True);
        Assert.That(Hole().Matches(literal.Value).Select(h => h.Groups[1].Value), Is.EqualTo(new[] { "now.ToUnixTimeMilliseconds()" }));
    }

    // $"…", $@"…", $"""…""" (not $$: none is used for SQL).
    [GeneratedRegex("\\$@?(\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\")")]
    private static partial Regex InterpolatedLiteral();

    [GeneratedRegex("\\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|VALUES)\\b")]
    private static partial Regex Sql();

    // A hole: {expr} but not {{ escaped braces; one level of nested braces ($"@p{j}") is allowed inside.
    [GeneratedRegex("(?<!\\{)\\{((?:[^{}]|\\{[^{}]*\\})+)\\}(?!\\})")]
    private static partial Regex Hole();

    // The parameter name @p{j} inside the nested literal of the SQLite bulk insert.
    [GeneratedRegex("^j$")]
    private static partial Regex NestedParameterName();
}
