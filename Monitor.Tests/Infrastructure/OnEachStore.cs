using Monitor.Worker.Storage;

namespace Monitor.Tests.Infrastructure;

/// <summary>
/// A fixture whose tests run on both stores (the derived class carries <c>[TestFixture(Stores.Sqlite)]</c> and
/// <c>[TestFixture(Stores.Postgres)]</c>), each test on a fresh, migrated database: <see cref="Db"/>. A derived
/// class's own <c>[SetUp]</c> runs after this one, so it can build its repositories on <see cref="Db"/>.
/// </summary>
public abstract class OnEachStore(string provider)
{
    protected string Provider => provider;

    protected Database Db { get; private set; } = null!;

    [SetUp]
    public async Task OpenStoreAsync() => Db = await Stores.NewDatabaseAsync(provider);

    [TearDown]
    public async Task CloseStoreAsync() => await Db.DisposeAsync();
}
