#pragma once

#include <QJsonDocument>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Lucent::Tests {

/// A QStringList from string literals, for short command lines in tests.
inline QStringList args(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list.append(QString::fromUtf8(item));
    return list;
}

/// What a finished command left behind.
struct CommandResult {
    int exitCode = -1; ///< -1: did not start or timed out
    QByteArray out;
    QByteArray err;
    QString errText() const { return QString::fromUtf8(err); }
    QString outText() const { return QString::fromUtf8(out); }
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
};

/// A lucent-sandbox started on a free loopback port for one test, and stopped with it. Its
/// kubeconfig lands in a temporary directory; kubectl() runs the real kubectl against it.
class SandboxProcess
{
public:
    explicit SandboxProcess(QStringList extraArguments = {});
    ~SandboxProcess();
    Q_DISABLE_COPY_MOVE(SandboxProcess)

    /// Starts the sandbox and waits until it listens; false (and error()) when it does not.
    [[nodiscard]] bool start();
    /// Stops the sandbox (SIGTERM, then SIGKILL); false (and error()) when it is still running.
    [[nodiscard]] bool stop();
    /// Stops it and starts a fresh one on the same port: a restarted API server with new state.
    [[nodiscard]] bool restart();
    /// The extra arguments of the next start or restart (fault injection, speed).
    void setArguments(QStringList extraArguments) { m_arguments = std::move(extraArguments); }
    QString error() const { return m_error; }
    QString url() const { return m_url; }
    QString kubeconfig() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }
    /// The console's project file (lucent.yaml) the sandbox wrote for its environments.
    QString projectFile() const { return m_dir.filePath(QStringLiteral("lucent.yaml")); }
    QString directory() const { return m_dir.path(); }
    qint64 processId() const { return m_process.processId(); }
    /// Runs the sandbox at this nice value (from the next start): a benchmark of the console
    /// then measures the console, not how the scheduler shares two cores with a server that in
    /// real use runs on other machines.
    void setNiceness(int niceness) { m_niceness = niceness; }

    /// Runs kubectl (@p program, else kubectlPath()) with this sandbox's kubeconfig.
    CommandResult kubectl(const QStringList &arguments, int timeoutMs = 60000, const QByteArray &input = {},
                          const QString &program = {}) const;
    /// Starts kubectl without waiting (watches, follows); the caller owns the process. Null
    /// (with a warning that says why) when it did not start.
    [[nodiscard]] QProcess *startKubectl(const QStringList &arguments, const QString &program = {}) const;

    /// The kubectl the tests use: $LUCENT_KUBECTL, else kubectl on PATH.
    static QString kubectlPath();

private:
    QStringList m_arguments;
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_url;
    QString m_port = QStringLiteral("0");
    QString m_error;
    int m_niceness = 0;
};

/// Sets @p deployment's replicas in lucent-staging as field manager @p manager writes them (a
/// promotion's scale, a pipeline's apply), so that managedFields name it: empty when done, else what
/// kubectl said.
inline QString scaleAs(const SandboxProcess &sandbox, const QString &deployment, int replicas, const QString &manager)
{
    const CommandResult scaled = sandbox.kubectl(
        {QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("patch"), QStringLiteral("deploy"),
         deployment, QStringLiteral("--field-manager=") + manager, QStringLiteral("--type=merge"), QStringLiteral("-p"),
         QStringLiteral(R"({"spec":{"replicas":%1}})").arg(replicas)});
    return scaled.exitCode == 0 ? QString() : scaled.errText();
}

} // namespace Lucent::Tests
