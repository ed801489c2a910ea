// The bounds of outside input: how much of a file is read, and what a file that is not one
// (a device, a folder) or is too large gives instead of its contents.

#include "core/bounds/filebounds.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <thread>

using namespace Lucent::Core;

class TestBounds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void aFileUpToTheBoundIsRead();
    void oneByteMoreIsRefused();
    void devicesAndFoldersAreNamedNotRead();
    void aPipeIsReadToItsEnd();

private:
    QString write(const QString &name, const QByteArray &data);
    QTemporaryDir m_dir;
};

QString TestBounds::write(const QString &name, const QByteArray &data)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        return {};
    return file.fileName();
}

void TestBounds::aFileUpToTheBoundIsRead()
{
    const QByteArray data(200 * 1024, 'y'); // several of the reader's 64 KB slices
    const QString path = write(QStringLiteral("exact.yaml"), data);
    QVERIFY(!path.isEmpty());
    QString error;
    const auto read = FileBounds::read(path, data.size(), &error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(*read, data);
    const auto empty = FileBounds::read(write(QStringLiteral("empty.yaml"), {}), 10, &error);
    QVERIFY(empty && empty->isEmpty());
}

void TestBounds::oneByteMoreIsRefused()
{
    const QString path = write(QStringLiteral("big.yaml"), QByteArray(2 * 1024 * 1024 + 1, 'x'));
    QString error;
    QVERIFY(!FileBounds::read(path, 2 * 1024 * 1024, &error));
    QCOMPARE(error, QStringLiteral("is larger than 2 MB, more than any file of its kind holds"));
    QVERIFY(!FileBounds::read(m_dir.filePath(QStringLiteral("nowhere")), 10, &error));
    QCOMPARE(error, QStringLiteral("does not exist"));
}

void TestBounds::devicesAndFoldersAreNamedNotRead()
{
    QString error;
    QVERIFY(!FileBounds::read(QStringLiteral("/dev/zero"), FileBounds::MaxDocumentBytes, &error));
    QCOMPARE(error, QStringLiteral("is a device or socket, not a file"));
    QVERIFY(!FileBounds::read(m_dir.path(), FileBounds::MaxDocumentBytes, &error));
    QCOMPARE(error, QStringLiteral("is a folder, not a file"));
}

// Process substitution (--kubeconfig <(vault read ...)) hands over a pipe: it is read.
void TestBounds::aPipeIsReadToItsEnd()
{
    const QString fifo = m_dir.filePath(QStringLiteral("pipe"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QByteArray sent(100 * 1024, 'p');
    std::thread writer([&] {
        QFile out(fifo);
        if (out.open(QIODevice::WriteOnly))
            out.write(sent);
    });
    QString error;
    const auto read = FileBounds::read(fifo, FileBounds::MaxDocumentBytes, &error);
    writer.join();
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(read->size(), sent.size());
}

QTEST_GUILESS_MAIN(TestBounds)
#include "tst_bounds.moc"
