using System.Text;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.UserDirectory;

namespace Monitor.Tests.UserDirectory;

/// <summary>Directory files that used to import wrong (issue 13, items 1-3) are refused, whole or by the row.</summary>
public sealed class DirectoryFileTests
{
    private const string Header = "id,email,display_name,department,site";

    private static Task<DirectoryReadResult> Parse(params string[] lines) =>
        CsvDirectorySource.ParseAsync(new StringReader(string.Join('\n', lines)), "users.csv", CancellationToken.None);

    private static string WriteFile(byte[] content)
    {
        var path = Path.Combine(TestPaths.NewTempDir("sm-dir"), "users.csv");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static CsvDirectorySource Source(string path, Func<Task>? afterParse = null) =>
        new(Options.Create(new DirectoryOptions { CsvPath = path })) { AfterParse = afterParse };

    [TestCase("\uFEFFid,email,display_name,department,site\r\n")]
    [TestCase("id,email,display_name,department,site\n")]
    [TestCase("id,email,display_name,department,site")]
    public async Task A_file_with_a_header_and_no_rows_is_refused_not_read_as_everyone_left(string content)
    {
        var result = await Source(WriteFile(new UTF8Encoding(false).GetBytes(content))).ReadAsync(default);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.Empty));
        Assert.That(result.Errors.Single(), Does.Contain("has a header but no users"));
    }

    [Test]
    public async Task A_header_naming_a_column_twice_is_refused()
    {
        var result = await Parse("id,email,display_name,department,site,rank,Rank", "u1,a@example.com,Ann,Fin,Paris,manager,executive");
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.InvalidFile));
        Assert.That(result.Errors.Single(), Is.EqualTo("users.csv: the header names column(s) rank more than once"));
    }

    [Test]
    public async Task Invalid_utf8_is_refused_not_imported_with_replacement_characters()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nu1,a@example.com,Ann ").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes(",Finance,Paris\n")).ToArray();
        var result = await Source(WriteFile(bytes)).ReadAsync(default);
        Assert.That(result.Users, Is.Empty);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.InvalidFile));
        Assert.That(result.Errors.Single(), Does.Contain("is not valid UTF-8"));
    }

    [Test]
    public async Task Over_long_values_and_ids_with_control_characters_are_refused_each_on_its_line()
    {
        var result = await Parse(Header,
            "u1,a@example.com,Ann,Finance,Paris",
            $"u2,b@example.com,{new string('x', 201)},Finance,Paris",
            "u3\0,c@example.com,Carl,Finance,Paris",
            "u4\u202E,d@example.com,Dina,Finance,Paris",
            $"{new string('i', 129)},e@example.com,Eve,Finance,Paris",
            $"u6,f@example.com,Fay,{new string('d', 101)},Paris");
        Assert.That(result.Users, Is.Empty);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.BadRows));
        Assert.That(result.Errors, Is.EqualTo(new[]
        {
            "users.csv line 3: display_name is 201 characters long (at most 200)",
            "users.csv line 4: id holds a control or bidi character",
            "users.csv line 5: id holds a control or bidi character",
            "users.csv line 6: id is 129 characters long (at most 128)",
            "users.csv line 7: department is 101 characters long (at most 100)",
        }));
    }

    [Test]
    public async Task A_name_may_hold_a_zero_width_non_joiner_but_not_a_bidi_override()
    {
        var result = await Parse(Header, "u1,a@example.com,Mehr\u200Cdad,Finance,Paris");
        Assert.That(result.Errors, Is.Empty);
        result = await Parse(Header, "u1,a@example.com,Mehr\u202Edad,Finance,Paris");
        Assert.That(result.Errors.Single(), Is.EqualTo("users.csv line 2: display_name holds a control or bidi character"));
    }

    [Test]
    public async Task The_optional_columns_a_file_lacks_are_reported_so_their_stored_values_are_kept()
    {
        var result = await Parse("id,email,display_name,department,site,rank,locale", "u1,a@example.com,Ann,Finance,Paris,manager,fr");
        Assert.That(result.MissingColumns, Is.EquivalentTo(new[] { "manager", "time_zone", "active", "opted_out", "joined", "absent_until" }));
    }

    [Test]
    public async Task A_folder_as_the_path_is_a_clear_error_at_start_and_at_each_read()
    {
        var folder = TestPaths.NewTempDir("sm-dir");
        var result = await Source(folder).ReadAsync(default);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.Unreadable));
        Assert.That(result.Errors.Single(), Does.Contain("is a folder, not a CSV file; Directory:CsvPath must name the CSV file"));

        var validation = new DirectoryOptionsValidator().Validate(null, new DirectoryOptions { CsvPath = folder });
        Assert.That(validation.FailureMessage, Does.Contain("Directory:CsvPath").And.Contain("which is a folder, not a CSV file"));
    }

    [Test]
    public async Task A_fifo_or_a_device_in_the_files_place_is_refused_at_start_and_at_each_read_without_waiting()
    {
        // Opening a FIFO waits for a writer: a directory export replaced by one hung every later sync (and the worker's start).
        var fifo = Path.Combine(TestPaths.NewTempDir("sm-dir"), "users.csv");
        var (code, output) = await ProcessRunner.RunAsync("mkfifo", [fifo]);
        Assert.That(code, Is.EqualTo(0), output);
        foreach (var path in new[] { fifo, "/dev/null", "/dev/zero" })
        {
            // On a thread of its own: the open that waits does so before the read's first await.
            var result = await Task.Run(() => Source(path).ReadAsync(default)).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.That(result.Ok, Is.False, path);
            Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.InvalidFile), path);
            Assert.That(result.Errors.Single(), Is.EqualTo(
                $"{path}: is empty or not a regular file (a FIFO, a device, a socket); Directory:CsvPath must name the CSV file"));

            var validation = new DirectoryOptionsValidator().Validate(null, new DirectoryOptions { CsvPath = path });
            Assert.That(validation.FailureMessage,
                Does.Contain($"Directory:CsvPath names '{path}', which is empty or not a regular file (a FIFO, a device, a socket)."));
        }
    }

    [Test]
    public async Task A_file_rewritten_while_it_is_read_is_refused_and_read_again_next_time()
    {
        var path = WriteFile(Encoding.UTF8.GetBytes(Header + "\nu1,a@example.com,Ann,Finance,Paris\nu2,b@example.com,Bob,Finance,Paris\n"));
        var rewritten = await Source(path, () => File.AppendAllTextAsync(path, "u3,c@example.com,Carl,Fin")).ReadAsync(default);
        Assert.That(rewritten.Ok, Is.False);
        Assert.That(rewritten.Refusal, Is.EqualTo(DirectoryRefusal.ChangedDuringRead));
        Assert.That(rewritten.Errors.Single(), Does.Contain("changed while it was read"));

        File.AppendAllText(path, "ance,Paris\n");
        var next = await Source(path).ReadAsync(default);
        Assert.That(next.Users.Select(u => u.Id), Is.EqualTo(new[] { "u1", "u2", "u3" }));
    }

    [TestCase(double.NaN)]
    [TestCase(-0.1)]
    [TestCase(1.5)]
    public void MaxRemovalShare_outside_0_to_1_is_refused_naming_the_key(double share)
    {
        var validation = new DirectoryOptionsValidator().Validate(null,
            new DirectoryOptions { CsvPath = TestPaths.Samples("users.csv"), MaxRemovalShare = share });
        Assert.That(validation.FailureMessage, Does.Contain("Directory:MaxRemovalShare must be between 0 and 1"));
    }

    // A link to a device would grow the directory job without end (/dev/zero held 4.8 GB after a minute); a pipe blocks it
    // (above): each is refused without being read, at start and at each read.
    [TestCase("fifo")]
    [TestCase("link to /dev/zero")]
    [TestCase("empty")]
    public async Task A_pipe_a_link_to_a_device_or_an_empty_file_is_refused_without_being_read(string kind)
    {
        var path = await TestPaths.SpecialFileAsync(kind, "users.csv");
        var read = Task.Run(() => Source(path).ReadAsync(default));
        try
        {
            var result = await read.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.InvalidFile));
            Assert.That(result.Errors.Single(), Does.EndWith("is empty or not a regular file (a FIFO, a device, a socket); Directory:CsvPath must name the CSV file"));
            Assert.That(new DirectoryOptionsValidator().Validate(null, new DirectoryOptions { CsvPath = path }).FailureMessage,
                Does.Contain("which is empty or not a regular file"));
        }
        finally
        {
            if (kind == "fifo" && !read.IsCompleted) TestPaths.ReleaseFifo(path);
        }
    }

    [Test]
    public async Task A_loop_of_links_is_refused_as_unreadable()
    {
        var dir = TestPaths.NewTempDir("sm-dir");
        File.CreateSymbolicLink(Path.Combine(dir, "a.csv"), Path.Combine(dir, "users.csv"));
        File.CreateSymbolicLink(Path.Combine(dir, "users.csv"), Path.Combine(dir, "a.csv"));
        var result = await Source(Path.Combine(dir, "users.csv")).ReadAsync(default);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.Unreadable));
        Assert.That(result.Errors.Single(), Does.Contain("cannot be read"));
    }

    [Test]
    public async Task A_record_longer_than_the_limit_is_refused_before_it_is_buffered_whole()
    {
        var line = $"u1,a@example.com,\"{new string('x', 4 * CsvInput.MaxRecordBytes)}\",Finance,Paris";
        var result = await Source(WriteFile(Encoding.UTF8.GetBytes(Header + "\n" + line + "\n"))).ReadAsync(default);
        Assert.That(result.Refusal, Is.EqualTo(DirectoryRefusal.BadRows));
        Assert.That(result.Errors.Single(), Does.StartWith("users.csv: malformed CSV:"));
    }
}
