using System.Globalization;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>The console header's "last change made because of feedback": what, and when.</summary>
internal sealed class ActionHeadline(ActionRepository actions) : IHeadlineSource
{
    public int Order => 20;

    public async Task<IReadOnlyList<Headline>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shipped = await actions.ListAsync(shippedOnly: true, limit: 1, cancellationToken);
        var last = shipped.Count > 0 ? shipped[0] : null;
        return last?.ShippedAt is { } at
            ? [new Headline(HeadlineLabels.LastChange, $"{last.Title} ({at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})")]
            : [new Headline(HeadlineLabels.LastChange, "No change recorded yet.")];
    }
}
