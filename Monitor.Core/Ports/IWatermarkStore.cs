namespace Monitor.Core.Ports;

/// <summary>Durable "processed up to here" marks, e.g. a ticket connector's last fully processed update.</summary>
public interface IWatermarkStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, string value, CancellationToken cancellationToken);
}
