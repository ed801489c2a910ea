#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Kube {

/// A problem found while reading a kubeconfig file. The rest of the file, and the other
/// files, stay usable.
struct KubeconfigProblem {
    QString file;
    int line = 0; ///< 1-based; 0 when unknown
    QString message;

    /// "In FILE, line N: MESSAGE" - the sentence the UI shows.
    QString sentence() const;
};

struct KubeconfigCluster {
    QString name;
    QString server;
    bool insecureSkipTlsVerify = false;
    bool hasCertificateAuthority = false;
    QString tlsServerName;
    QString proxyUrl;
    QString sourceFile;
    QString certificateAuthorityFile; ///< absolute; relative paths are resolved against sourceFile
    QByteArray certificateAuthorityData; ///< PEM, decoded from certificate-authority-data
};

/// How a user authenticates. Only the kind is kept here, never the secret itself.
enum class AuthMethod { Token, TokenFile, BasicAuth, ClientCertificate, Exec, AuthProvider };

/// users[].user.exec: a client.authentication.k8s.io credential plugin.
struct ExecConfig {
    QString apiVersion; ///< client.authentication.k8s.io/v1 or v1beta1
    QString command;
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString installHint;
    QString interactiveMode; ///< Never, IfAvailable or Always; the console never has a terminal
    bool provideClusterInfo = false;
};

/// The secrets of a user entry. Kept in memory only to make connections: never logged,
/// never shown, never written (the YAML summary reads AuthMethod kinds, not these).
struct KubeconfigCredentials {
    QByteArray token;
    QString tokenFile;
    QString username;
    QByteArray password;
    QString clientCertificateFile; ///< absolute, like every path below
    QByteArray clientCertificateData;
    QString clientKeyFile;
    QByteArray clientKeyData;
    bool hasExec = false;
    ExecConfig exec;
};

struct KubeconfigUser {
    QString name;
    QList<AuthMethod> methods;
    QString execCommand; ///< the exec plugin's command, when there is one
    QString sourceFile;
    KubeconfigCredentials credentials;
};

struct KubeconfigContext {
    QString name;
    QString cluster;
    QString user;
    QString namespaceName; ///< empty means "default"
    QString sourceFile;
};

/// The merged view of one or more kubeconfig files, following kubectl's rules: the first
/// file that defines a cluster, user or context name wins, and so does the first
/// current-context.
class Kubeconfig final
{
public:
    QStringList files; ///< the files that were read, in precedence order
    QList<KubeconfigCluster> clusters;
    QList<KubeconfigUser> users;
    QList<KubeconfigContext> contexts;
    QString currentContext;
    QList<KubeconfigProblem> problems;

    const KubeconfigCluster *cluster(const QString &name) const;
    const KubeconfigUser *user(const QString &name) const;
    const KubeconfigContext *context(const QString &name) const;

    /// The files kubectl would read: @p explicitPath when given (--kubeconfig), else the
    /// entries of @p kubeconfigEnv ($KUBECONFIG, colon-separated), else ~/.kube/config.
    static QStringList locate(const QString &explicitPath, const QString &kubeconfigEnv);

    /// Reads and merges @p files. Files named by $KUBECONFIG that do not exist are skipped,
    /// as kubectl does; pass @p missingIsProblem for an explicit --kubeconfig.
    static Kubeconfig load(const QStringList &files, bool missingIsProblem = false);

    /// Parses one document; used by load() and by tests on in-memory text.
    static Kubeconfig parse(const QByteArray &yaml, const QString &fileName);

    /// Merges @p other below this one (this one's entries win).
    void mergeFrom(const Kubeconfig &other);
};

QString authMethodName(AuthMethod method);

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::Kubeconfig)
