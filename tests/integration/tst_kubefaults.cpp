// The watch caches and log streams under the sandbox's fault injection: 5xx and 429 bursts,
// 410 Gone on watches, watches and log follows cut every second, and a sandbox restart.
// After each round of random changes the cache must equal a fresh list, and a resumed log
// must hold every line exactly once. soak() does the same for LUCENT_SOAK_ROUNDS rounds (3 in
// the suite; scripts/dev.sh soak ROUNDS for long runs) with faults drawn anew at each restart.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/kube/logstream.h"
#include "core/kube/resourcecache.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

using namespace Lucent::Core::Kube;
using Lucent::Tests::Answer;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::waitFor;

namespace {

QString resourceVersionOf(const QJsonObject &object)
{
    return object[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();
}

// What a fresh list says: key -> object. Empty optional when the list failed.
std::optional<QHash<QString, QJsonObject>> freshList(KubeClient &client, const ResourceType &type, const QString &ns,
                                                     QString *why)
{
    const Answer answer = waitFor(client.list(type, ns));
    if (answer.error.isError()) {
        *why = QStringLiteral("the fresh list failed: ") + answer.error.sentence();
        return std::nullopt;
    }
    QHash<QString, QJsonObject> objects;
    const QJsonArray items = answer.json().value(QLatin1String("items")).toArray();
    for (const QJsonValue &item : items)
        objects.insert(ResourceCache::keyOf(item.toObject()), item.toObject());
    return objects;
}

// Equal when the same objects are there at the same versions with the same content.
QString difference(const ResourceCache &cache, const QHash<QString, QJsonObject> &fresh)
{
    const auto &cached = cache.objectsByKey();
    for (auto it = fresh.cbegin(); it != fresh.cend(); ++it) {
        const auto mine = cached.constFind(it.key());
        if (mine == cached.cend())
            return QStringLiteral("missing %1").arg(it.key());
        if (resourceVersionOf(*mine) != resourceVersionOf(*it))
            return QStringLiteral("%1 at %2, list has %3")
                .arg(it.key(), resourceVersionOf(*mine), resourceVersionOf(*it));
        QJsonObject a = *mine;
        QJsonObject b = *it;
        for (const char *key : {"kind", "apiVersion"}) {
            a.remove(QLatin1String(key));
            b.remove(QLatin1String(key));
        }
        if (a != b)
            return QStringLiteral("%1 differs in content").arg(it.key());
    }
    for (auto it = cached.cbegin(); it != cached.cend(); ++it) {
        if (!fresh.contains(it.key()))
            return QStringLiteral("stale %1").arg(it.key());
    }
    return {};
}

} // namespace

class TestKubeFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cacheConvergesUnderFaults();
    void logResumesWithoutDuplicatesOrGaps();
    void cacheRecoversFromSandboxRestart();
    void soak();

private:
    /// A writer, a lister for fresh lists, and the configmaps and all-namespace pods caches.
    struct Watching {
        std::unique_ptr<KubeClient> writer;
        std::unique_ptr<KubeClient> lister;
        std::unique_ptr<KubeClient> watcher;
        std::unique_ptr<ResourceCache> configMaps;
        std::unique_ptr<ResourceCache> pods;
    };
    /// Starts the caches; false when they do not sync within 30 s.
    bool startWatching(Watching &watching) const;
    std::unique_ptr<KubeClient> client(int attempts = 8) const;
    bool converge(ResourceCache &cache, KubeClient &lister, QString *why) const;
    /// Writes @p count random ConfigMap changes; false when their answers do not all come.
    bool randomChanges(KubeClient &kube, int count);
    /// Scales play-service to @p replicas, asking again while injected faults refuse it; the
    /// last refusal in @p why when none gets through.
    bool scalePlayService(KubeClient &kube, int replicas, QString *why);
    /// Follows a running wallet-service pod until @p reconnects resumes and @p minLines lines,
    /// then compares what came with the whole log: empty when every line came exactly once.
    QString followedLogIsWhole(KubeClient &kube, int reconnects, int minLines);
    QStringList randomFaults();

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20"), QStringLiteral("--log-rate"),
                              QStringLiteral("20"), QStringLiteral("--error-rate"), QStringLiteral("0.15"),
                              QStringLiteral("--gone-rate"), QStringLiteral("0.3"), QStringLiteral("--drop-watches"),
                              QStringLiteral("1"), QStringLiteral("--seed"), QStringLiteral("7")}};
    QRandomGenerator m_random{20261125};
};

std::unique_ptr<KubeClient> TestKubeFaults::client(int attempts) const
{
    auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"));
    if (!connection)
        qFatal("no connection");
    auto kube = std::make_unique<KubeClient>(*connection);
    kube->setRetryPolicy({attempts, 20, 200, 500});
    return kube;
}

static ResourceCacheOptions fastOptions()
{
    ResourceCacheOptions options;
    options.watchTimeoutSeconds = 2;
    options.minBackoffMs = 20;
    options.maxBackoffMs = 400;
    options.pageSize = 7; // several pages per list, so continue tokens are exercised too
    return options;
}

bool TestKubeFaults::startWatching(Watching &watching) const
{
    watching.writer = client(1); // writes are never retried anyway; some fail, as they would
    watching.lister = client(12);
    watching.watcher = client();
    watching.configMaps = std::make_unique<ResourceCache>(watching.watcher.get(), ResourceType::configMaps(),
                                                          QStringLiteral("lucent-staging"), fastOptions());
    watching.pods
        = std::make_unique<ResourceCache>(watching.watcher.get(), ResourceType::pods(), QString(), fastOptions());
    watching.configMaps->start();
    watching.pods->start();
    return QTest::qWaitFor([&] { return watching.configMaps->isSynced() && watching.pods->isSynced(); }, 30000);
}

void TestKubeFaults::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
}

bool TestKubeFaults::converge(ResourceCache &cache, KubeClient &lister, QString *why) const
{
    // Quiescence: once the writes are done, the cache must reach what a fresh list shows.
    return QTest::qWaitFor(
        [&] {
            const auto fresh = freshList(lister, cache.type(), cache.namespaceName(), why);
            if (!fresh)
                return false;
            *why = difference(cache, *fresh);
            return cache.isSynced() && why->isEmpty();
        },
        30000);
}

bool TestKubeFaults::randomChanges(KubeClient &kube, int count)
{
    const QString ns = QStringLiteral("lucent-staging");
    // Shared with the replies: one that answers after a timed-out wait finds it still there.
    auto pending = std::make_shared<int>(0);
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("fault-cm-%1").arg(m_random.bounded(12));
        KubeReply *reply = nullptr;
        switch (m_random.bounded(4)) {
        case 0:
        case 1: {
            const QJsonObject object{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
                                     {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), QString::number(i)}}}};
            reply = kube.create(ResourceType::configMaps(), ns, object);
            break;
        }
        case 2:
            reply = kube.patch(ResourceType::configMaps(), ns, name, PatchType::Merge,
                               QByteArrayLiteral("{\"data\":{\"patched\":\"") + QByteArray::number(i) + "\"}}");
            break;
        default: reply = kube.remove(ResourceType::configMaps(), ns, name); break;
        }
        ++*pending;
        connect(reply, &KubeReply::finished, this, [pending] { --*pending; });
    }
    // Writes are never retried: some meet an injected fault and fail, as they would; but every
    // one must be answered.
    if (QTest::qWaitFor([&] { return *pending == 0; }, 30000))
        return true;
    qWarning("%d of %d writes were not answered in 30 s", *pending, count);
    return false;
}

bool TestKubeFaults::scalePlayService(KubeClient &kube, int replicas, QString *why)
{
    // Scaling is a write, never retried by the client; it is idempotent, so the test asks again.
    for (int attempt = 0; attempt < 10; ++attempt) {
        const Answer answer = waitFor(kube.scale(ResourceType::deployments(), QStringLiteral("lucent-staging"),
                                                 QStringLiteral("play-service"), replicas));
        if (!answer.error.isError())
            return true;
        *why = QStringLiteral("scaling play-service to %1: %2").arg(replicas).arg(answer.error.sentence());
        if (!answer.arrived)
            return false; // no answer in 30 s is no injected fault
    }
    return false;
}

void TestKubeFaults::cacheConvergesUnderFaults()
{
    Watching watching;
    QVERIFY(startWatching(watching));
    KubeClient &writer = *watching.writer;
    KubeClient &lister = *watching.lister;
    ResourceCache &configMaps = *watching.configMaps;
    ResourceCache &pods = *watching.pods;

    QSet<QString> seenKeys;
    connect(&configMaps, &ResourceCache::added, this,
            [&seenKeys](const QJsonObject &o) { seenKeys.insert(ResourceCache::keyOf(o)); });
    const int rounds = 8;
    for (int round = 0; round < rounds; ++round) {
        QVERIFY2(randomChanges(writer, 15), qPrintable(QStringLiteral("round %1").arg(round)));
        // Scaling makes the simulator create and delete pods while the pod cache watches.
        const int replicas = 1 + int(m_random.bounded(4));
        QString why;
        QVERIFY2(scalePlayService(writer, replicas, &why),
                 qPrintable(QStringLiteral("round %1: %2").arg(round).arg(why)));
        QVERIFY2(converge(configMaps, lister, &why), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(why)));
        QVERIFY2(converge(pods, lister, &why), qPrintable(QStringLiteral("round %1 pods: %2").arg(round).arg(why)));
    }
    // The faults did happen, and were handled by the paths meant for them. Watches are cut
    // every second and 30 % of resumes meet 410 Gone, so both show up within seconds.
    QTRY_VERIFY2_WITH_TIMEOUT(configMaps.watchCount() >= 3, "watches were not cut and resumed", 30000);
    QTRY_VERIFY2_WITH_TIMEOUT(configMaps.listCount() > 1, "no relist: 410 Gone was never seen", 30000);
    QString why;
    QVERIFY2(converge(configMaps, lister, &why), qPrintable(why));
    QVERIFY(!seenKeys.isEmpty());
    qInfo("configmaps: %d lists, %d watches; pods: %d lists, %d watches, %d objects", configMaps.listCount(),
          configMaps.watchCount(), pods.listCount(), pods.watchCount(), pods.size());
}

void TestKubeFaults::logResumesWithoutDuplicatesOrGaps()
{
    auto kube = client();
    // --drop-watches 1 cuts the stream every second: several resumes.
    const QString why = followedLogIsWhole(*kube, 4, 100);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

QString TestKubeFaults::followedLogIsWhole(KubeClient &kube, int reconnects, int minLines)
{
    QString pod;
    const bool found = QTest::qWaitFor(
        [&] {
            const Answer answer = waitFor(kube.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
            const QJsonArray items = answer.json().value(QLatin1String("items")).toArray();
            for (const QJsonValue &item : items) {
                const QString name = item[QLatin1String("metadata")][QLatin1String("name")].toString();
                if (name.startsWith(QLatin1String("wallet-service"))
                    && item[QLatin1String("status")][QLatin1String("phase")] == QLatin1String("Running"))
                    pod = name;
            }
            return !pod.isEmpty();
        },
        30000);
    if (!found)
        return QStringLiteral("no wallet-service pod runs");

    LogOptions options;
    options.follow = true;
    options.tailLines = 10;
    LogStream stream(&kube, QStringLiteral("lucent-staging"), pod, options);
    stream.setReconnectDelays(20, 200);
    QList<LogLine> lines;
    connect(&stream, &LogStream::linesReceived, this, [&lines](const QList<LogLine> &more) { lines += more; });
    stream.start();
    const bool followed
        = QTest::qWaitFor([&] { return stream.reconnects() >= reconnects && lines.size() >= minLines; }, 30000);
    stream.stop();
    if (!followed)
        return QStringLiteral("%1 reconnects and %2 lines in 30 s").arg(stream.reconnects()).arg(lines.size());

    QSet<QPair<qint64, QString>> unique;
    for (const LogLine &line : std::as_const(lines))
        unique.insert({line.nanos, line.text});
    if (unique.size() != lines.size())
        return QStringLiteral("%1 lines came twice").arg(lines.size() - unique.size());

    // No gaps: the complete log, fetched afterwards, holds exactly these lines in this range.
    LogOptions all;
    LogStream whole(&kube, QStringLiteral("lucent-staging"), pod, all);
    QList<LogLine> reference;
    connect(&whole, &LogStream::linesReceived, this, [&reference](const QList<LogLine> &more) { reference += more; });
    QSignalSpy ended(&whole, &LogStream::ended);
    // The request itself may meet an injected 500; try until one attempt gets through.
    for (int attempt = 0; attempt < 10 && reference.isEmpty(); ++attempt) {
        ended.clear();
        whole.start();
        if (!QTest::qWaitFor([&] { return ended.size() == 1; }, 30000))
            return QStringLiteral("the whole log did not come");
    }
    const qint64 first = lines.constFirst().nanos;
    const qint64 last = lines.constLast().nanos;
    QList<LogLine> expected;
    for (const LogLine &line : std::as_const(reference)) {
        if (line.nanos >= first && line.nanos <= last)
            expected.append(line);
    }
    if (lines.size() != expected.size())
        return QStringLiteral("%1 lines followed, the log has %2 in that time").arg(lines.size()).arg(expected.size());
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].nanos != expected[i].nanos || lines[i].text != expected[i].text)
            return QStringLiteral("line %1 differs from the log").arg(i);
    }
    qInfo("%lld lines over %d reconnects, none lost or repeated", qlonglong(lines.size()), stream.reconnects());
    return {};
}

void TestKubeFaults::cacheRecoversFromSandboxRestart()
{
    auto watcherClient = client();
    auto lister = client(12);
    ResourceCache configMaps(watcherClient.get(), ResourceType::configMaps(), QStringLiteral("lucent-staging"),
                             fastOptions());
    configMaps.start();
    QTRY_VERIFY_WITH_TIMEOUT(configMaps.isSynced(), 30000);
    const QJsonObject object{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("before-restart")}}}};
    Answer created;
    for (int attempt = 0; attempt < 10 && created.status != 201; ++attempt)
        created = waitFor(lister->create(ResourceType::configMaps(), QStringLiteral("lucent-staging"), object));
    QCOMPARE(created.status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(
        !configMaps.object(QStringLiteral("lucent-staging"), QStringLiteral("before-restart")).isEmpty(), 30000);

    QSignalSpy removed(&configMaps, &ResourceCache::removed);
    QVERIFY2(m_sandbox.restart(), qPrintable(m_sandbox.error())); // fresh state, same address
    QString why;
    QVERIFY2(converge(configMaps, *lister, &why), qPrintable(why));
    QVERIFY(configMaps.object(QStringLiteral("lucent-staging"), QStringLiteral("before-restart")).isEmpty());
    QVERIFY(!removed.isEmpty()); // consumers heard of the object that is gone
}

QStringList TestKubeFaults::randomFaults()
{
    const auto pick = [this](std::initializer_list<const char *> choices) {
        return QString::fromLatin1(*(choices.begin() + m_random.bounded(int(choices.size()))));
    };
    return {QStringLiteral("--speed"),        QStringLiteral("20"),
            QStringLiteral("--log-rate"),     QStringLiteral("20"),
            QStringLiteral("--error-rate"),   pick({"0", "0.05", "0.15", "0.3"}),
            QStringLiteral("--gone-rate"),    pick({"0", "0.3", "0.6"}),
            QStringLiteral("--drop-watches"), pick({"0", "1", "2"}),
            QStringLiteral("--latency"),      pick({"0", "10", "50"}),
            QStringLiteral("--seed"),         QString::number(m_random.bounded(1000000))};
}

// Randomised rounds: changes, scaling, and now and then a restart with other faults; after each
// round both caches equal a fresh list and a followed log is whole.
void TestKubeFaults::soak()
{
    const int rounds
        = qEnvironmentVariableIsSet("LUCENT_SOAK_ROUNDS") ? qEnvironmentVariableIntValue("LUCENT_SOAK_ROUNDS") : 3;
    const quint32 seed = qEnvironmentVariableIsSet("LUCENT_SOAK_SEED")
        ? quint32(qEnvironmentVariableIntValue("LUCENT_SOAK_SEED"))
        : quint32(QDateTime::currentMSecsSinceEpoch());
    m_random.seed(seed);
    qInfo("soak: %d rounds, seed %u (LUCENT_SOAK_SEED repeats it)", rounds, seed);
    Watching watching;
    QVERIFY(startWatching(watching));
    KubeClient &writer = *watching.writer;
    KubeClient &lister = *watching.lister;
    ResourceCache &configMaps = *watching.configMaps;
    ResourceCache &pods = *watching.pods;
    QElapsedTimer clock;
    clock.start();
    int restarts = 0;
    for (int round = 0; round < rounds; ++round) {
        const bool restart = round == 1 || m_random.bounded(10) == 0;
        QStringList faults;
        if (restart) {
            faults = randomFaults();
            m_sandbox.setArguments(faults);
            QVERIFY2(m_sandbox.restart(), qPrintable(m_sandbox.error()));
            ++restarts;
        }
        const QString where
            = QStringLiteral("round %1 (seed %2%3)")
                  .arg(round)
                  .arg(seed)
                  .arg(restart ? QStringLiteral(", restarted with ") + faults.join(QLatin1Char(' ')) : QString());
        QVERIFY2(randomChanges(writer, 5 + int(m_random.bounded(15))), qPrintable(where));
        QString why;
        QVERIFY2(scalePlayService(writer, 1 + int(m_random.bounded(4)), &why),
                 qPrintable(where + QStringLiteral(": ") + why));
        QVERIFY2(converge(configMaps, lister, &why), qPrintable(where + QStringLiteral(" configmaps: ") + why));
        QVERIFY2(converge(pods, lister, &why), qPrintable(where + QStringLiteral(" pods: ") + why));
        why = followedLogIsWhole(lister, 0, 20);
        QVERIFY2(why.isEmpty(), qPrintable(where + QStringLiteral(" log: ") + why));
        if ((round + 1) % 50 == 0)
            qInfo("soak: %d rounds, %d restarts, %lld s", round + 1, restarts, clock.elapsed() / 1000);
    }
    qInfo("soak: %d rounds with %d restarts and no divergence in %lld s (configmaps: %d lists, %d watches)", rounds,
          restarts, clock.elapsed() / 1000, configMaps.listCount(), configMaps.watchCount());
}

QTEST_GUILESS_MAIN(TestKubeFaults)
#include "tst_kubefaults.moc"
