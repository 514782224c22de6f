using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// Keeps the data-protection key ring in the store, so that cookies and anti-forgery tokens written by one
/// replica are read by the others and survive restarts. The framework asks synchronously, rarely (at start
/// and when its cache of the ring expires).
/// </summary>
internal sealed class StoreKeyRepository(Database db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = db.OpenAsync().AsTask().GetAwaiter().GetResult();
        return [.. c.Query<string>("SELECT xml FROM data_protection_keys ORDER BY name").Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = db.OpenAsync().AsTask().GetAwaiter().GetResult();
        c.Execute("INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
