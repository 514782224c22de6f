using Monitor.Tests.Infrastructure;
using Monitor.Worker.Dependencies;
using Monitor.Worker.UserDirectory;

namespace Monitor.Tests.Dependencies;

/// <summary>Dependencies:MappingFile naming something that is not a CSV file of short rows stops the start at once.</summary>
public sealed class MappingFileTests
{
    private static string? Validate(string path) =>
        new DependenciesOptionsValidator().Validate(null, new DependenciesOptions { MappingFile = path }).FailureMessage;

    // Before, a FIFO held the start (even `migrate`) for ever and a link to /dev/zero grew it to 4.8 GB in 20 s.
    [TestCase("fifo")]
    [TestCase("link to /dev/zero")]
    [TestCase("empty")]
    public async Task A_pipe_a_device_or_an_empty_file_is_refused_without_being_read(string kind)
    {
        var path = await TestPaths.SpecialFileAsync(kind, "dependencies.csv");
        var validate = Task.Run(() => Validate(path));
        try
        {
            Assert.That(await validate.WaitAsync(TimeSpan.FromSeconds(5)), Does.StartWith("Dependencies:MappingFile names '")
                .And.EndWith("dependencies.csv', which is empty or not a regular file (a pipe or a device); not read."));
        }
        finally
        {
            if (kind == "fifo" && !validate.IsCompleted) TestPaths.ReleaseFifo(path);
        }
    }

    [Test]
    public void A_record_longer_than_the_limit_is_refused_as_malformed()
    {
        var csv = $"child,parent\nmail,\"{new string('x', 4 * CsvInput.MaxRecordBytes)}\"\n";
        var (graph, problems) = DependencyMapping.Parse(new StringReader(csv), "deps.csv");
        Assert.That(graph, Is.Null);
        Assert.That(problems.Single(), Does.StartWith("deps.csv: malformed CSV: Record 2 is longer than MaxRecordSize"));
    }
}
