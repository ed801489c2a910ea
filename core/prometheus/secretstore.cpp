#include "core/prometheus/secretstore.h"

#include <qt6keychain/keychain.h>

#include <QHash>

namespace Lucent::Core::Prometheus {

namespace {

const QString Service = QStringLiteral("lucent-console");

// The fallback for machines without a keychain: one map for the whole process, so that every
// store of this session sees what another stored; gone when the console exits.
QHash<QString, QByteArray> &memory()
{
    static QHash<QString, QByteArray> secrets;
    return secrets;
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{
}

QString SecretStore::fallbackSentence()
{
    return tr("No system keychain is running (for example gnome-keyring or KWallet), so the credential is kept in "
              "memory for this session only. Start a keychain service to keep it across sessions.");
}

void SecretStore::read(const QString &key)
{
    if (m_fallback) {
        Q_EMIT readFinished(key, memory().value(key), {});
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(Service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, key] {
        switch (job->error()) {
        case QKeychain::NoError: Q_EMIT readFinished(key, job->binaryData(), {}); break;
        case QKeychain::EntryNotFound: Q_EMIT readFinished(key, {}, {}); break;
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError: // no D-Bus session bus at all lands here
            m_fallback = true;
            Q_EMIT readFinished(key, memory().value(key), {});
            break;
        default: Q_EMIT readFinished(key, {}, tr("The keychain could not be read (%1).").arg(job->errorString()));
        }
    });
    job->start();
}

void SecretStore::write(const QString &key, const QByteArray &secret)
{
    if (m_fallback) {
        memory().insert(key, secret);
        Q_EMIT writeFinished(key, fallbackSentence());
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(Service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setBinaryData(secret);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, secret] {
        switch (job->error()) {
        case QKeychain::NoError: Q_EMIT writeFinished(key, {}); break;
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError: // no D-Bus session bus at all lands here
            m_fallback = true;
            memory().insert(key, secret);
            Q_EMIT writeFinished(key, fallbackSentence());
            break;
        default:
            Q_EMIT writeFinished(key, tr("The keychain refused to store the credential (%1).").arg(job->errorString()));
        }
    });
    job->start();
}

} // namespace Lucent::Core::Prometheus
