#include "core/recovery/recoverystore.h"

#include "core/bounds/filebounds.h"
#include "core/logging/logging.h"
#include "core/recovery/secretvalues.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QPointer>
#include <QSaveFile>
#include <QSysInfo>
#include <QtConcurrent>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace Lucent::Core::Recovery {

namespace {

// Whether the console that wrote a copy still runs: on this host its process must exist; on
// another host (a shared home folder) nobody can tell, and offering its copy is the safe side.
bool writerIsAlive(const QJsonObject &copy)
{
    if (copy.value(QLatin1String("host")).toString() != QSysInfo::machineHostName())
        return false;
    const qint64 pid = copy.value(QLatin1String("pid")).toInteger();
    if (pid <= 0)
        return false;
    return pid == qint64(::getpid()) || ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

std::optional<RecoveredText> readCopy(const QString &file)
{
    QString unreadable;
    const auto bytes = FileBounds::read(file, FileBounds::MaxDocumentBytes * 2, &unreadable);
    if (!bytes)
        return std::nullopt;
    const QJsonObject copy = QJsonDocument::fromJson(*bytes).object();
    if (copy.value(QLatin1String("path")).toString().isEmpty() || writerIsAlive(copy))
        return std::nullopt;
    RecoveredText recovered;
    recovered.path = copy.value(QLatin1String("path")).toString();
    recovered.text = copy.value(QLatin1String("text")).toString();
    recovered.written = QDateTime::fromString(copy.value(QLatin1String("written")).toString(), Qt::ISODateWithMs);
    recovered.secretValuesDropped = copy.value(QLatin1String("secretValuesDropped")).toBool();
    recovered.copyFile = file;
    return recovered;
}

} // namespace

RecoveryStore::RecoveryStore(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory.isEmpty() ? Logging::stateDirectory() + QStringLiteral("/recovery") : directory)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
}

RecoveryStore::~RecoveryStore()
{
    waitForWrites();
}

QString RecoveryStore::copyFileFor(const QString &directory, const QString &path)
{
    const QByteArray digest = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return directory + QLatin1Char('/') + QString::fromLatin1(digest) + QStringLiteral(".json");
}

void RecoveryStore::keep(const QString &path, const QString &text)
{
    QPointer<RecoveryStore> self(this);
    const QString directory = m_directory;
    m_pool.start([self, directory, path, text] {
        bool dropped = false;
        const QString kept = withoutSecretValues(text, &dropped);
        QJsonObject copy{{QStringLiteral("path"), path},
                         {QStringLiteral("text"), kept},
                         {QStringLiteral("written"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                         {QStringLiteral("pid"), qint64(::getpid())},
                         {QStringLiteral("host"), QSysInfo::machineHostName()},
                         {QStringLiteral("secretValuesDropped"), dropped}};
        QSaveFile file(copyFileFor(directory, path));
        // The folder is the owner's alone: the copies hold whatever the user typed.
        const bool written = QDir().mkpath(directory)
            && QFile::setPermissions(directory,
                                     QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)
            && file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(copy).toJson(QJsonDocument::Compact)) >= 0
            && file.commit();
        if (!written) {
            const QString sentence
                = QStringLiteral("The recovery copy of %1 cannot be written to %2 (%3): a crash now would lose "
                                 "the unsaved edits. Save the file, or free the folder.")
                      .arg(path, directory, file.errorString());
            QMetaObject::invokeMethod(self, [self, sentence] {
                if (self)
                    Q_EMIT self->failed(sentence);
            });
        }
    });
}

void RecoveryStore::forget(const QString &path)
{
    const QString copy = copyFileFor(m_directory, path);
    m_pool.start([copy] { QFile::remove(copy); });
}

QFuture<QList<RecoveredText>> RecoveryStore::leftBehind() const
{
    const QString directory = m_directory;
    return QtConcurrent::run(&m_pool, [directory] {
        QList<RecoveredText> found;
        const QDir dir(directory);
        for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files)) {
            if (auto copy = readCopy(dir.filePath(name)))
                found.append(std::move(*copy));
        }
        std::sort(found.begin(), found.end(),
                  [](const RecoveredText &a, const RecoveredText &b) { return a.written < b.written; });
        return found;
    });
}

void RecoveryStore::waitForWrites()
{
    m_pool.waitForDone();
}

} // namespace Lucent::Core::Recovery
