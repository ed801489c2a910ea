#include "core/kube/clusterconnection.h"

#include "core/bounds/filebounds.h"

#include <QFile>

namespace Lucent::Core::Kube {

namespace {

// Reads a file the kubeconfig names; on failure, says which entry named it and why.
std::optional<QByteArray> readNamedFile(const QString &path, const QString &what, const QString &source, QString *error)
{
    QString problem;
    auto contents = FileBounds::read(path, FileBounds::MaxCredentialBytes, &problem);
    if (!contents)
        *error = QStringLiteral("The %1 file %2, named in %3, %4. Fix the path in the kubeconfig.")
                     .arg(what, path, source, problem);
    return contents;
}

} // namespace

QSslKey ConnectionResolver::readPrivateKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

std::optional<ClusterConnection> ConnectionResolver::resolve(const Kubeconfig &config, const QString &contextName,
                                                             QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const KubeconfigContext *context = config.context(contextName);
    if (!context) {
        *error = QStringLiteral("The context '%1' is not in the kubeconfig. Pick one of the listed contexts.")
                     .arg(contextName);
        return std::nullopt;
    }
    const KubeconfigCluster *cluster = config.cluster(context->cluster);
    if (!cluster) {
        *error = QStringLiteral("The context '%1' names the cluster '%2', which no kubeconfig file defines. Add "
                                "the cluster or fix the context in %3.")
                     .arg(context->name, context->cluster, context->sourceFile);
        return std::nullopt;
    }
    ClusterConnection connection;
    connection.contextName = context->name;
    connection.defaultNamespace = context->namespaceName.isEmpty() ? QStringLiteral("default") : context->namespaceName;
    connection.server = QUrl(cluster->server, QUrl::StrictMode);
    const QString scheme = connection.server.scheme();
    if (!connection.server.isValid() || connection.server.host().isEmpty()
        || (scheme != QLatin1String("https") && scheme != QLatin1String("http"))) {
        *error = QStringLiteral("The cluster '%1' in %2 has the server address '%3', which is not an http(s) URL. "
                                "Write it as https://HOST:PORT.")
                     .arg(cluster->name, cluster->sourceFile, cluster->server);
        return std::nullopt;
    }
    connection.insecureSkipTlsVerify = cluster->insecureSkipTlsVerify;
    connection.tlsServerName = cluster->tlsServerName;
    if (!cluster->proxyUrl.isEmpty()) {
        connection.proxyUrl = QUrl(cluster->proxyUrl, QUrl::StrictMode);
        if (connection.proxyUrl.scheme() != QLatin1String("http") || connection.proxyUrl.host().isEmpty()) {
            *error = QStringLiteral("The cluster '%1' in %2 has proxy-url '%3'; only http:// proxies are supported.")
                         .arg(cluster->name, cluster->sourceFile, cluster->proxyUrl);
            return std::nullopt;
        }
    }
    QByteArray caPem = cluster->certificateAuthorityData;
    if (caPem.isEmpty() && !cluster->certificateAuthorityFile.isEmpty()) {
        auto read = readNamedFile(cluster->certificateAuthorityFile, QStringLiteral("certificate-authority"),
                                  cluster->sourceFile, error);
        if (!read)
            return std::nullopt;
        caPem = *read;
    }
    if (!caPem.isEmpty()) {
        connection.certificateAuthorities = QSslCertificate::fromData(caPem, QSsl::Pem);
        if (connection.certificateAuthorities.isEmpty()) {
            *error = QStringLiteral("The certificate authority of cluster '%1' in %2 holds no PEM certificate. "
                                    "Check certificate-authority(-data).")
                         .arg(cluster->name, cluster->sourceFile);
            return std::nullopt;
        }
    }

    const KubeconfigUser *user = config.user(context->user);
    if (!user) {
        if (!context->user.isEmpty()) {
            *error = QStringLiteral("The context '%1' names the user '%2', which no kubeconfig file defines. Add the "
                                    "user or fix the context in %3.")
                         .arg(context->name, context->user, context->sourceFile);
            return std::nullopt;
        }
        return connection; // anonymous, as kubectl allows
    }
    const KubeconfigCredentials &credentials = user->credentials;
    connection.token = credentials.token;
    connection.tokenFile = credentials.tokenFile;
    connection.username = credentials.username;
    connection.password = credentials.password;
    connection.hasExec = credentials.hasExec;
    connection.exec = credentials.exec;
    if (connection.token.isEmpty() && !connection.tokenFile.isEmpty()) {
        auto read = readNamedFile(connection.tokenFile, QStringLiteral("tokenFile"), user->sourceFile, error);
        if (!read)
            return std::nullopt;
        connection.token = read->trimmed();
    }

    QByteArray certificatePem = credentials.clientCertificateData;
    if (certificatePem.isEmpty() && !credentials.clientCertificateFile.isEmpty()) {
        auto read = readNamedFile(credentials.clientCertificateFile, QStringLiteral("client-certificate"),
                                  user->sourceFile, error);
        if (!read)
            return std::nullopt;
        certificatePem = *read;
    }
    QByteArray keyPem = credentials.clientKeyData;
    if (keyPem.isEmpty() && !credentials.clientKeyFile.isEmpty()) {
        auto read = readNamedFile(credentials.clientKeyFile, QStringLiteral("client-key"), user->sourceFile, error);
        if (!read)
            return std::nullopt;
        keyPem = *read;
    }
    if (certificatePem.isEmpty() != keyPem.isEmpty()) {
        *error = QStringLiteral("The user '%1' in %2 has a client certificate without a key, or a key without a "
                                "certificate. Give both client-certificate(-data) and client-key(-data).")
                     .arg(user->name, user->sourceFile);
        return std::nullopt;
    }
    if (!certificatePem.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certificatePem, QSsl::Pem);
        connection.clientKey = readPrivateKey(keyPem);
        if (chain.isEmpty() || connection.clientKey.isNull()) {
            *error = QStringLiteral("The client %1 of user '%2' in %3 cannot be read as PEM (RSA or EC keys are "
                                    "supported). Check client-certificate(-data) and client-key(-data).")
                         .arg(chain.isEmpty() ? QStringLiteral("certificate") : QStringLiteral("key"), user->name,
                              user->sourceFile);
            return std::nullopt;
        }
        connection.clientCertificate = chain.constFirst();
        connection.clientCertificateChain = chain.mid(1);
    }
    return connection;
}

} // namespace Lucent::Core::Kube
