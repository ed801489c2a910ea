#pragma once

#include "core/kube/apierror.h"
#include "core/kube/kubeconfig.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QUrl>

namespace Lucent::Core::Kube {

/// What an exec plugin handed back: a bearer token, or a client certificate and key.
struct ExecCredential {
    QByteArray token;
    QByteArray clientCertificatePem;
    QByteArray clientKeyPem;
    QDateTime expiration; ///< invalid: valid until the server answers 401

    bool isValidAt(const QDateTime &now) const { return !expiration.isValid() || now < expiration; }
};

/// Runs a client.authentication.k8s.io exec plugin (v1 or v1beta1) with QProcess and an
/// argument list - never a shell - and caches its credential until it expires or the server
/// rejects it. Several requests asking at once share one run.
class ExecCredentialPlugin final : public QObject
{
    Q_OBJECT

public:
    explicit ExecCredentialPlugin(ExecConfig config, QUrl server, QObject *parent = nullptr);
    ~ExecCredentialPlugin() override;
    Q_DISABLE_COPY_MOVE(ExecCredentialPlugin)

    /// The cached credential, if it is still valid.
    std::optional<ExecCredential> cached() const;
    /// Starts the plugin unless it runs already; answers with credentialReady or failed.
    void request();
    /// Forgets the cached credential (the server answered 401).
    void invalidate();
    bool isRunning() const { return m_process != nullptr; }
    int runCount() const { return m_runs; }

    /// Parses the plugin's standard output; exposed for tests.
    static std::optional<ExecCredential> parse(const QByteArray &output, const QString &expectedApiVersion,
                                               QString *error);

Q_SIGNALS:
    void credentialReady(const Lucent::Core::Kube::ExecCredential &credential);
    void failed(const Lucent::Core::Kube::ApiError &error);

private:
    void onFinished(int exitCode, bool crashed);
    void onFailedToStart();
    QByteArray execInfo() const;

    ExecConfig m_config;
    QUrl m_server;
    std::optional<ExecCredential> m_credential;
    QPointer<QProcess> m_process;
    int m_runs = 0;
};

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::ExecCredential)
