// Recovery copies of unsaved editor text: written off the GUI thread, removed on save, offered
// back only when their console is gone, and never a second home for a Secret's values.

#include "core/recovery/recoverystore.h"
#include "core/recovery/secretvalues.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace Lucent::Core::Recovery;

class TestRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void aCopyIsKeptAndForgotten();
    void onlyCopiesOfEndedConsolesAreOffered();
    void aCopyThatCannotBeWrittenIsReported();
    void secretValuesAreNotKept_data();
    void secretValuesAreNotKept();

private:
    static QList<RecoveredText> leftBehind(const RecoveryStore &store);
    QTemporaryDir m_dir;
};

QList<RecoveredText> TestRecovery::leftBehind(const RecoveryStore &store)
{
    auto future = store.leftBehind();
    future.waitForFinished();
    return future.result();
}

void TestRecovery::aCopyIsKeptAndForgotten()
{
    const QString directory = m_dir.filePath(QStringLiteral("kept"));
    RecoveryStore store(directory);
    const QString path = QStringLiteral("/work/manifests/wallet.yaml");
    store.keep(path, QStringLiteral("replicas: 3\n"));
    store.keep(path, QStringLiteral("replicas: 4\n"));
    store.waitForWrites();
    QFile copy(RecoveryStore::copyFileFor(directory, path));
    QVERIFY(copy.open(QIODevice::ReadOnly));
    const QJsonObject kept = QJsonDocument::fromJson(copy.readAll()).object();
    QCOMPARE(kept.value(QLatin1String("path")).toString(), path);
    QCOMPARE(kept.value(QLatin1String("text")).toString(), QStringLiteral("replicas: 4\n")); // the newest, in order
    QCOMPARE(QFileInfo(directory).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
    QVERIFY(leftBehind(store).isEmpty()); // this console's own copies are not left behind
    store.forget(path);
    store.waitForWrites();
    QVERIFY(!QFile::exists(copy.fileName()));
}

void TestRecovery::onlyCopiesOfEndedConsolesAreOffered()
{
    const QString directory = m_dir.filePath(QStringLiteral("offered"));
    QVERIFY(QDir().mkpath(directory));
    QProcess ended;
    ended.start(QStringLiteral("true"), {});
    QVERIFY(ended.waitForFinished());
    const qint64 deadPid = ended.processId() ? ended.processId() : 0;
    QProcess running;
    running.start(QStringLiteral("sleep"), {QStringLiteral("30")});
    QVERIFY(running.waitForStarted());
    const auto write = [&](const QString &path, qint64 pid, const QString &host, const QString &written) {
        QFile file(RecoveryStore::copyFileFor(directory, path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("path"), path},
                                             {QStringLiteral("text"), QString(QStringLiteral("text of ") + path)},
                                             {QStringLiteral("pid"), double(pid)},
                                             {QStringLiteral("host"), host},
                                             {QStringLiteral("written"), written}})
                       .toJson());
    };
    const QString here = QSysInfo::machineHostName();
    write(QStringLiteral("/m/killed.yaml"), 999999999, here, QStringLiteral("2026-12-01T10:00:01.000Z"));
    write(QStringLiteral("/m/running.yaml"), running.processId(), here, QStringLiteral("2026-12-01T10:00:00.000Z"));
    write(QStringLiteral("/m/elsewhere.yaml"), running.processId(), QStringLiteral("another-host"),
          QStringLiteral("2026-12-01T09:00:00.000Z"));
    if (deadPid)
        write(QStringLiteral("/m/ended.yaml"), deadPid, here, QStringLiteral("2026-12-01T11:00:00.000Z"));
    QFile garbage(directory + QStringLiteral("/garbage.json"));
    QVERIFY(garbage.open(QIODevice::WriteOnly) && garbage.write("{not json") > 0);
    garbage.close();

    RecoveryStore store(directory);
    const QList<RecoveredText> found = leftBehind(store);
    QStringList paths;
    for (const RecoveredText &copy : found)
        paths.append(copy.path);
    QStringList expected{QStringLiteral("/m/elsewhere.yaml"), QStringLiteral("/m/killed.yaml")};
    if (deadPid)
        expected.append(QStringLiteral("/m/ended.yaml"));
    QCOMPARE(paths, expected); // oldest first; the running console's copy stays its own
    QCOMPARE(found.value(1).text, QStringLiteral("text of /m/killed.yaml"));
    running.kill();
    QVERIFY(running.waitForFinished());
}

void TestRecovery::aCopyThatCannotBeWrittenIsReported()
{
    QFile blocker(m_dir.filePath(QStringLiteral("a-file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    RecoveryStore store(blocker.fileName() + QStringLiteral("/recovery")); // a folder inside a file
    QSignalSpy failed(&store, &RecoveryStore::failed);
    store.keep(QStringLiteral("/m/x.yaml"), QStringLiteral("x: 1\n"));
    QVERIFY(failed.wait(5000));
    QVERIFY2(failed.first().first().toString().contains(QLatin1String("a crash now would lose the unsaved edits")),
             qPrintable(failed.first().first().toString()));
}

void TestRecovery::secretValuesAreNotKept_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("dropped");
    QTest::addRow("secret") << QStringLiteral("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
                                              "c2VjcmV0\n  user: YWRtaW4=\ntype: Opaque\n")
                            << QStringLiteral("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
                                              "\"\"\n  user: \"\"\ntype: Opaque\n")
                            << true;
    QTest::addRow("block scalar and flow map")
        << QStringLiteral("kind: Secret\nstringData:\n  config.json: |\n    {\"token\": \"t0p\"}\n  plain: s3cret\n"
                          "data: {a: b}\n")
        << QStringLiteral("kind: Secret\nstringData:\n  config.json: \"\"\n  plain: \"\"\ndata: {}\n") << true;
    QTest::addRow("configmap untouched") << QStringLiteral("kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n")
                                         << QStringLiteral("kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n") << false;
    QTest::addRow("second document only")
        << QStringLiteral("kind: ConfigMap\ndata:\n  a: b\n---\nkind: Secret\ndata:\n  k: dg==\n")
        << QStringLiteral("kind: ConfigMap\ndata:\n  a: b\n---\nkind: Secret\ndata:\n  k: \"\"\n") << true;
    QTest::addRow("secret in a list")
        << QStringLiteral("kind: List\nitems:\n  - kind: Secret\n    data:\n      k: dg==\n")
        << QStringLiteral("kind: List\nitems:\n  - kind: Secret\n    data:\n      k: \"\"\n") << true;
}

void TestRecovery::secretValuesAreNotKept()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(bool, dropped);
    bool didDrop = false;
    QCOMPARE(withoutSecretValues(text, &didDrop), expected);
    QCOMPARE(didDrop, dropped);
}

QTEST_GUILESS_MAIN(TestRecovery)
#include "tst_recovery.moc"
