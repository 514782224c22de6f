// The group disclosure alone (docs/privacy.md, "Group figures"): N people over 8 departments × 6 sites, a first
// publication, then rounds in which 1,000 random people change state and score. Prints, per publication, the wall
// and CPU time, the bytes allocated and the memory still live after it.
// Usage: Monitor.Bench.Disclosure [people] [rounds]
using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Evaluation;
using Monitor.Core.Groups;

var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
string[] departments = ["Finance", "Sales", "Engineering", "HR", "Operations", "Legal", "Marketing", "Support"];
string[] sites = ["Paris", "London", "New York", "Singapore", "Berlin", "Madrid"];
var random = new Random(42);
var people = Enumerable.Range(0, n).Select(i => new Respondent($"u{i:D6}", departments[i % 8], sites[i / 7 % 6],
    (SatisfactionState)random.Next(4), (random.NextDouble() * 2) - 1)).ToArray();
var disclosure = new GroupDisclosure(new PrivacyThresholds());
for (var round = 0; round < rounds; round++)
{
    for (var k = 0; round > 0 && k < 1000; k++)
    {
        var i = random.Next(n);
        people[i] = people[i] with { State = (SatisfactionState)random.Next(4), Score = (random.NextDouble() * 2) - 1 };
    }
    GC.Collect();
    var allocated = GC.GetTotalAllocatedBytes(true);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var published = disclosure.Publish(people);
    watch.Stop();
    var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    var allocatedMiB = (GC.GetTotalAllocatedBytes(true) - allocated) / 1048576.0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(round == 0 ? "first publication" : "after 1,000 changes")}: {watch.Elapsed.TotalMilliseconds:F0} ms " +
        $"(CPU {cpuMs:F0} ms), allocated {allocatedMiB:F0} MiB, live {GC.GetTotalMemory(true) / 1048576.0:F0} MiB, " +
        $"{published.Groups.Count} groups published"));
}
