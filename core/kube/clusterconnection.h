#pragma once

#include "core/kube/kubeconfig.h"

#include <QList>
#include <QMetaType>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QUrl>

namespace Lucent::Core::Kube {

/// Everything needed to talk to one context's API server: its address, TLS material and
/// credentials, read from the kubeconfig and the files it names. Holds secrets: never log it.
struct ClusterConnection {
    QString contextName;
    QUrl server;
    QString defaultNamespace; ///< the context's namespace, "default" when it names none
    QList<QSslCertificate> certificateAuthorities; ///< empty: the system's trust store
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QUrl proxyUrl;

    QSslCertificate clientCertificate;
    QList<QSslCertificate> clientCertificateChain; ///< intermediates after the leaf, if any
    QSslKey clientKey;
    QByteArray token;
    QString tokenFile; ///< re-read when the server answers 401, as kubectl does
    QString username;
    QByteArray password;
    bool hasExec = false;
    ExecConfig exec;

    bool hasClientCertificate() const { return !clientCertificate.isNull() && !clientKey.isNull(); }
};

/// Builds a ClusterConnection for a context. Reads the certificate, key and token files the
/// kubeconfig names, so call it off the GUI thread (QtConcurrent). Returns an empty
/// optional and an error sentence when the context cannot be used.
class ConnectionResolver final
{
public:
    static std::optional<ClusterConnection> resolve(const Kubeconfig &config, const QString &contextName,
                                                    QString *error);
    /// Reads a PEM private key: RSA or EC, PKCS#1, SEC1 or PKCS#8. Null when it is neither.
    static QSslKey readPrivateKey(const QByteArray &pem);
};

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::ClusterConnection)
