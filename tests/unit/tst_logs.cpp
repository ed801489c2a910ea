// The log core and model without a cluster: level detection, time order across sources
// (late and backfilled lines merged in place), the caps, the filter's verdicts, pausing
// without loss, JSON columns and save; parsing and classifying on the background thread, and
// the model trusting only verdicts of its current filter.

#include "core/kube/backgroundthread.h"
#include "core/kube/logchunkparser.h"
#include "core/logs/lineclassifier.h"
#include "core/logs/logbuffer.h"
#include "core/logs/logfilter.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logtextdelegate.h"
#include "ui/logs/logview.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QFontMetricsF>
#include <QHeaderView>
#include <QMutex>
#include <QPainter>
#include <QScopeGuard>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <utility>

using namespace Lucent::Core::Logs;
using Lucent::Core::Logs::LogFilter;
using Lucent::Ui::LogModel;

namespace {

IncomingLine line(int source, qint64 nanos, const char *text)
{
    return {source, nanos, QByteArray(text)};
}

QList<qint64> times(const LogBuffer &buffer)
{
    QList<qint64> out;
    for (qsizetype i = 0; i < buffer.size(); ++i)
        out.append(buffer.at(i).nanos);
    return out;
}

} // namespace

class TestLogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void levels_data();
    void levels();
    void ordersAcrossSourcesAndMergesLateLines();
    void capsDropTheOldest();
    void filterVerdicts();
    void modelFiltersPausesAndSaves();
    void jsonFieldsBecomeColumns();
    void parsingAndClassifyingRunOnTheBackgroundThread();
    void modelTrustsOnlyItsCurrentFiltersVerdicts();
    void aFloodIsAnnouncedInFewInsertions();
    void cellsShowWhatFitsWithAnEllipsis();
};

void TestLogs::levels_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("level");
    QTest::newRow("nest json") << QByteArray(R"({"level":"error","msg":"x"})") << int(LogLevel::Error);
    QTest::newRow("json with space") << QByteArray(R"({"level": "warn"})") << int(LogLevel::Warning);
    QTest::newRow("pino number") << QByteArray(R"({"level":30,"msg":"x"})") << int(LogLevel::Info);
    QTest::newRow("pino fatal") << QByteArray(R"({"level":60})") << int(LogLevel::Fatal);
    QTest::newRow("plain") << QByteArray("2026-11-25 10:00:00 WARN disk almost full") << int(LogLevel::Warning);
    QTest::newRow("bracketed") << QByteArray("[error] connection refused") << int(LogLevel::Error);
    QTest::newRow("none") << QByteArray("GET / 200 3ms") << int(LogLevel::Unknown);
    QTest::newRow("word inside another") << QByteArray("informational text") << int(LogLevel::Unknown);
}

void TestLogs::levels()
{
    QFETCH(QByteArray, text);
    QFETCH(int, level);
    QCOMPARE(int(detectLevel(text)), level);
}

void TestLogs::ordersAcrossSourcesAndMergesLateLines()
{
    LogBuffer buffer;
    QCOMPARE(buffer.add({line(0, 10, "a10"), line(0, 30, "a30")}), 0);
    QCOMPARE(buffer.add({line(1, 40, "b40")}), 2); // newer: a plain append
    // A second pod's history arrives later but is older: merged in place, ties keep arrival order.
    QCOMPARE(buffer.add({line(1, 30, "b30"), line(1, 5, "b5")}), 0);
    QCOMPARE(times(buffer), (QList<qint64>{5, 10, 30, 30, 40}));
    QCOMPARE(buffer.text(buffer.at(2)), QByteArray("a30"));
    QCOMPARE(buffer.text(buffer.at(3)), QByteArray("b30"));
    QCOMPARE(buffer.at(3).source, quint16(1));
    QCOMPARE(buffer.bytesHeld(), qsizetype(3 + 3 + 3 + 3 + 2));
}

void TestLogs::capsDropTheOldest()
{
    LogBuffer byLines(100, 1 << 30);
    QList<IncomingLine> batch;
    for (int i = 0; i < 150; ++i)
        batch.append(line(0, i, "0123456789"));
    byLines.add(batch);
    const qsizetype dropped = byLines.evict();
    QVERIFY(dropped >= 50);
    QVERIFY(byLines.size() <= 100);
    QCOMPARE(byLines.at(0).nanos, qint64(dropped)); // the oldest went, in order
    QCOMPARE(byLines.text(byLines.at(0)), QByteArray("0123456789"));

    LogBuffer byBytes(1'000'000, 1000); // 100 lines of 10 bytes fit
    byBytes.add(batch);
    byBytes.evict();
    QVERIFY(byBytes.bytesHeld() <= 1000);
    QCOMPARE(byBytes.at(byBytes.size() - 1).nanos, qint64(149));
}

void TestLogs::filterVerdicts()
{
    LogFilter filter;
    filter.include = QStringLiteral("GET /wallets");
    filter.exclude = QStringLiteral(" 200 ");
    filter.highlight = QStringLiteral("balance");
    const Lucent::Core::Logs::CompiledLogFilter compiled(filter);
    QCOMPARE(compiled.flagsFor(QStringLiteral("GET /wallets/1/balance 500 3ms")),
             quint8(LogFilter::Visible | LogFilter::Highlighted));
    QCOMPARE(compiled.flagsFor(QStringLiteral("GET /wallets/1/balance 200 3ms")), quint8(LogFilter::Highlighted));
    QCOMPARE(compiled.flagsFor(QStringLiteral("POST /users 201")), quint8(0));
    QCOMPARE(compiled.flagsFor(QStringLiteral("get /WALLETS/1 500")), quint8(LogFilter::Visible)); // case-insensitive
    filter.caseSensitive = true;
    QCOMPARE(Lucent::Core::Logs::CompiledLogFilter(filter).flagsFor(QStringLiteral("get /WALLETS/1 500")), quint8(0));
    filter.include = QStringLiteral("GET (");
    QVERIFY(filter.problem().contains(QStringLiteral("filter expression is not valid")));
    QCOMPARE(Lucent::Core::Logs::CompiledLogFilter(filter).flagsFor(QStringLiteral("GET (")),
             quint8(0)); // nothing, not all
}

void TestLogs::modelFiltersPausesAndSaves()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addSource(0, {QStringLiteral("api-1"), QStringLiteral("api"), false});
    model.addSource(1, {QStringLiteral("api-2"), QStringLiteral("api"), false});
    model.appendLines({line(0, 1'000'000'000, "info GET /a 200"), line(1, 3'000'000'000, "error GET /b 500")});
    QTRY_COMPARE(model.rowCount(), 2);
    model.appendLines({line(1, 2'000'000'000, "warn slow")}); // late: lands between the two
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(1, LogModel::MessageColumn).data().toString(), QStringLiteral("warn slow"));
    QCOMPARE(model.index(1, LogModel::PodColumn).data().toString(), QStringLiteral("api-2"));
    QCOMPARE(model.index(1, LogModel::LevelColumn).data().toString(), QStringLiteral("warn"));
    QVERIFY(model.index(2, LogModel::MessageColumn).data(Qt::ForegroundRole).isValid()); // error colour

    LogFilter filter;
    filter.include = QStringLiteral("GET");
    model.setFilter(filter);
    QSignalSpy applied(&model, &LogModel::filterApplied);
    QVERIFY(applied.wait(5000));
    QCOMPARE(model.rowCount(), 2);

    model.setPaused(true);
    model.appendLines({line(0, 4'000'000'000, "GET /c 200"), line(0, 5'000'000'000, "skipped by the filter")});
    QTRY_COMPARE(model.heldCount(), 1);
    QCOMPARE(model.rowCount(), 2);
    model.setPaused(false);
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.heldCount(), 0);

    QTemporaryDir dir;
    QString error;
    QVERIFY(model.save(dir.filePath(QStringLiteral("shown.log")), true, true, &error));
    QFile shown(dir.filePath(QStringLiteral("shown.log")));
    QVERIFY(shown.open(QIODevice::ReadOnly));
    QCOMPARE(shown.readAll(),
             QByteArray("1970-01-01T00:00:01.000Z api-1 info GET /a 200\n"
                        "1970-01-01T00:00:03.000Z api-2 error GET /b 500\n"
                        "1970-01-01T00:00:04.000Z api-1 GET /c 200\n"));
    QVERIFY(model.save(dir.filePath(QStringLiteral("all.log")), false, false, &error));
    QFile all(dir.filePath(QStringLiteral("all.log")));
    QVERIFY(all.open(QIODevice::ReadOnly));
    QCOMPARE(all.readAll().count('\n'), 4); // every line held (the filtered-out one was never kept while paused)
    QVERIFY(!model.save(dir.filePath(QStringLiteral("no/such/dir/x.log")), true, true, &error));
    QVERIFY(error.startsWith(QStringLiteral("Cannot write")));
}

void TestLogs::jsonFieldsBecomeColumns()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addSource(0, {QStringLiteral("wallet-1"), QStringLiteral("wallet"), false});
    model.appendLines({line(0, 1, R"({"level":"info","msg":"GET /w 200","status":200,"latency_ms":12})"),
                       line(0, 2, "not json at all")});
    QTRY_COMPARE(model.rowCount(), 2);
    model.setJsonFields({QStringLiteral("level"), QStringLiteral("msg"), QStringLiteral("status")});
    QCOMPARE(model.columnCount(), 5);
    QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("msg"));
    QCOMPARE(model.index(0, 3).data().toString(), QStringLiteral("GET /w 200"));
    QCOMPARE(model.index(0, 4).data().toString(), QStringLiteral("200"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("not json at all"));
    QCOMPARE(model.index(1, 3).data().toString(), QString());
}

void TestLogs::parsingAndClassifyingRunOnTheBackgroundThread()
{
    using Lucent::Core::Kube::LogChunkParser;
    using Lucent::Core::Kube::LogLine;
    auto classifier = std::make_shared<LineClassifier>();
    LogFilter filter;
    filter.include = QStringLiteral("status=5");
    filter.highlight = QStringLiteral("slow");
    classifier->setFilter(filter, 7);
    auto epoch = std::make_shared<std::atomic<quint32>>(1);
    auto *parser = new LogChunkParser(true, classifier, epoch);
    QThread *const background = Lucent::Core::Kube::backgroundThread();
    parser->moveToThread(background);
    const auto dropParser = qScopeGuard([parser] { parser->deleteLater(); }); // on every way out
    // What the parse thread delivers, written there and read here: behind a mutex, and owned
    // by the connection too, so that a delivery still running when this function ends (a
    // failed check returns early) writes into memory that is still there.
    struct Received {
        QMutex mutex;
        QList<LogLine> lines;
        QList<qsizetype> batchSizes;
        int chunksAnswered = 0;
        bool allOnBackground = true;
        qint64 lastNanos = -1;
    };
    const auto seen = std::make_shared<Received>();
    connect(
        parser, &LogChunkParser::parsed, parser,
        [seen, background](const QList<LogLine> &lines, qint64 last, quint32, bool lastOfChunk) {
            const QMutexLocker lock(&seen->mutex);
            seen->allOnBackground = seen->allOnBackground && QThread::currentThread() == background;
            seen->lines += lines;
            seen->batchSizes.append(lines.size());
            seen->chunksAnswered += lastOfChunk ? 1 : 0;
            seen->lastNanos = last;
        },
        Qt::DirectConnection);
    // A chunk's last batch is delivered whole before its count shows here, and nothing more
    // comes until the next feed: what is read after the count went up is complete.
    const auto chunksAnswered = [&seen] {
        const QMutexLocker lock(&seen->mutex);
        return seen->chunksAnswered;
    };
    const auto takeLines = [&seen] {
        const QMutexLocker lock(&seen->mutex);
        return std::exchange(seen->lines, {});
    };
    // 10,000 lines, cut into two chunks in the middle of a line.
    QByteArray log;
    for (int i = 0; i < 10000; ++i)
        log += "2026-11-25T10:00:00." + QByteArray::number(100000000 + i) + "Z " + (i % 10 == 0 ? "ERROR " : "INFO ")
            + "status=" + (i % 4 == 0 ? "500" : "200") + (i % 3 == 0 ? " slow" : "") + '\n';
    const qsizetype cut = log.size() / 2 + 7;
    QMetaObject::invokeMethod(parser, [parser, chunk = log.left(cut)] { parser->feed(chunk, 1); });
    QMetaObject::invokeMethod(parser, [parser, chunk = log.mid(cut)] { parser->feed(chunk, 1); });
    QTRY_COMPARE_WITH_TIMEOUT(chunksAnswered(), 2, 10000);
    QList<LogLine> received = takeLines();
    QList<qsizetype> batchSizes;
    bool allOnBackground = false;
    qint64 lastNanos = -1;
    {
        const QMutexLocker lock(&seen->mutex);
        batchSizes = seen->batchSizes;
        allOnBackground = seen->allOnBackground;
        lastNanos = seen->lastNanos;
    }
    QVERIFY(allOnBackground);
    QCOMPARE(received.size(), 10000);
    QVERIFY(*std::max_element(batchSizes.cbegin(), batchSizes.cend()) <= LogChunkParser::BatchLines);
    QCOMPARE(received[0].level, quint8(LogLevel::Error));
    QCOMPARE(received[0].marks, quint8(LogFilter::Visible | LogFilter::Highlighted));
    QCOMPARE(received[1].marks, quint8(0));
    QCOMPARE(received[1].level, quint8(LogLevel::Info));
    QCOMPARE(received[4].marks, quint8(LogFilter::Visible));
    QCOMPARE(received[3].marks, quint8(LogFilter::Highlighted));
    QCOMPARE(received[9999].marksVersion, quint32(7));
    QCOMPARE(received[9999].utf8, QByteArray("INFO status=200 slow"));
    QCOMPARE(lastNanos, received[9999].nanos);

    // A resume fetches from the last line's second again: what was delivered is dropped.
    QMetaObject::invokeMethod(parser, [parser] { parser->restart(true); });
    const qsizetype lastTwo = log.lastIndexOf('\n', log.lastIndexOf('\n', log.size() - 2) - 1) + 1;
    // A QByteArray, not the QStringBuilder that + makes (QT_USE_QSTRINGBUILDER): that one would
    // keep a reference to the temporary log.mid(), gone before the parse thread reads it.
    QMetaObject::invokeMethod(parser,
                              [parser, chunk = QByteArray(log.mid(lastTwo) + "2026-11-25T10:00:01Z INFO after\n")] {
                                  parser->feed(chunk, 1);
                              });
    QTRY_COMPARE_WITH_TIMEOUT(chunksAnswered(), 3, 10000);
    received = takeLines();
    QCOMPARE(received.size(), 1);
    QCOMPARE(received[0].utf8, QByteArray("INFO after"));

    // A stream stopped meanwhile (its epoch moved on) gets an answer, and no lines.
    epoch->store(2);
    QMetaObject::invokeMethod(parser, [parser] { parser->feed("2026-11-25T10:00:02Z INFO late\n", 1); });
    QTRY_COMPARE_WITH_TIMEOUT(chunksAnswered(), 4, 10000);
    QVERIFY(takeLines().isEmpty());
}

void TestLogs::modelTrustsOnlyItsCurrentFiltersVerdicts()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addSource(0, {QStringLiteral("api-1"), QStringLiteral("api"), false});
    LogFilter filter;
    filter.include = QStringLiteral("GET");
    model.setFilter(filter);
    QSignalSpy applied(&model, &LogModel::filterApplied);
    QVERIFY(applied.wait(5000));
    const quint32 current = model.filterVersion();
    // Judged by this filter on the parsing thread: taken as they are (the text is not looked at).
    IncomingLine trusted{0, 1, QByteArray("POST /trusted"), LogLevel::Warning, LogFilter::Visible, true, current};
    // Judged by an older filter: judged again here.
    IncomingLine stale{0, 2, QByteArray("POST /stale"), LogLevel::Info, LogFilter::Visible, true, current - 1};
    IncomingLine unjudged{0, 3, QByteArray("GET /unjudged"), LogLevel::Unknown, 0, false, 0};
    model.appendLines({trusted, stale, unjudged});
    QTRY_VERIFY(!model.isBusy());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("POST /trusted"));
    QCOMPARE(model.index(0, LogModel::LevelColumn).data().toString(), QStringLiteral("warn"));
    QCOMPARE(model.index(1, LogModel::MessageColumn).data().toString(), QStringLiteral("GET /unjudged"));
    filter.include = QStringLiteral("POST");
    model.setFilter(filter);
    QVERIFY(model.filterVersion() > current);
    QVERIFY(applied.wait(5000));
    QCOMPARE(model.rowCount(), 2); // both POST lines, judged again with the new filter
}

void TestLogs::aFloodIsAnnouncedInFewInsertions()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addSource(0, {QStringLiteral("api-1"), QStringLiteral("api"), false});
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    // A quiet line is announced on its own...
    model.appendLines({line(0, 1, "first")});
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(inserted.size(), 1);
    // ...a flood in at most PublishesPerSecond insertions a second, however many batches it
    // came in. The bound is counted against the flood's own duration, not a fixed count: under
    // a sanitizer or a loaded host the flood lasts longer and may be announced more often, but
    // never more often than the rate allows. Without the limit, every batch would be announced.
    QElapsedTimer flood;
    flood.start();
    for (int batch = 0; batch < 200; ++batch) {
        QList<IncomingLine> lines;
        for (int i = 0; i < 50; ++i)
            lines.append({0, 10 + batch * 50 + i, QByteArray("line ") + QByteArray::number(batch * 50 + i)});
        model.appendLines(lines);
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE(model.rowCount(), 10001);
    const qint64 floodMs = flood.elapsed();
    QVERIFY(!model.isBusy());
    const qint64 allowed = floodMs * LogModel::PublishesPerSecond / 1000 + 2; // a frame begun at each end
    QVERIFY2(inserted.size() - 1 <= allowed,
             qPrintable(QStringLiteral("%1 insertions in %2 ms; at most %3 allowed")
                            .arg(inserted.size() - 1)
                            .arg(floodMs)
                            .arg(allowed)));
    QCOMPARE(model.index(10000, LogModel::MessageColumn).data().toString(), QStringLiteral("line 9999"));
}

void TestLogs::cellsShowWhatFitsWithAnEllipsis()
{
    Lucent::Ui::LogTextDelegate delegate;
    QFont font(QStringLiteral("monospace"));
    const qreal advance = QFontMetricsF(font).horizontalAdvance(QLatin1Char('x'));
    bool elided = true;
    const QString ten = QStringLiteral("0123456789");
    const qsizetype all = delegate.visibleCharacters(font, ten, advance * 10 + 0.5, &elided);
    if (all < 0)
        QSKIP("the monospace font lacks an ellipsis glyph here; the text engine draws the cells");
    QCOMPARE(all, 10);
    QVERIFY(!elided);
    // One character too long: the last visible one makes way for the ellipsis.
    QCOMPARE(delegate.visibleCharacters(font, ten + QLatin1Char('a'), advance * 10 + 0.5, &elided), 9);
    QVERIFY(elided);
    QCOMPARE(delegate.visibleCharacters(font, ten, advance * 3, &elided), 2);
    QVERIFY(elided);

    // Drawn in a table: the ASCII line and the one in another script both put ink in their cells.
    QStandardItemModel cells(2, 1);
    cells.setItem(0, 0, new QStandardItem(QStringLiteral("GET /wallets/1 200 12ms")));
    cells.setItem(1, 0, new QStandardItem(QStringLiteral("Ошибка: кошелёк не найден")));
    QTableView table;
    table.setModel(&cells);
    Lucent::Ui::configureLogTable(&table);
    table.resize(500, 120);
    table.horizontalHeader()->resizeSection(0, 480);
    const QImage shot = table.grab().toImage();
    for (int row = 0; row < 2; ++row) {
        const QRect cell = table.visualRect(cells.index(row, 0)).translated(table.viewport()->pos());
        const QRgb background = shot.pixel(cell.right() - 2, cell.center().y());
        int ink = 0;
        for (int x = cell.left(); x < cell.left() + 150; ++x)
            for (int y = cell.top(); y <= cell.bottom(); ++y)
                ink += shot.pixel(x, y) != background ? 1 : 0;
        QVERIFY2(ink > 50, qPrintable(QStringLiteral("row %1: %2 pixels of text").arg(row).arg(ink)));
    }
}

QTEST_MAIN(TestLogs)
#include "tst_logs.moc"
