#pragma once

#include <QObject>

namespace Lucent::Core::Prometheus {

/// Prometheus credentials in the system keychain (Secret Service, KWallet) through
/// QtKeychain. Where no keychain service runs, a secret is kept in memory for this session
/// only - never in a file - and the answer says so. Asynchronous: the keychain may ask the
/// user to unlock it.
class SecretStore final : public QObject
{
    Q_OBJECT

public:
    explicit SecretStore(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(SecretStore)

    void read(const QString &key);
    void write(const QString &key, const QByteArray &secret);
    bool usesMemoryFallback() const { return m_fallback; }

    /// Kept for the session when the system has no keychain.
    static QString fallbackSentence();

Q_SIGNALS:
    /// @p secret is empty when nothing is stored; @p problem is a sentence, or empty.
    void readFinished(const QString &key, const QByteArray &secret, const QString &problem);
    void writeFinished(const QString &key, const QString &problem);

private:
    bool m_fallback = false;
};

} // namespace Lucent::Core::Prometheus
