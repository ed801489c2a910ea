#pragma once

#include <QObject>
#include <QProcess>
#include <QTemporaryDir>

namespace Lucent::Core::Environment {

/// Starts lucent-sandbox for `lucent-console --sandbox`: on a free loopback port, with its
/// kubeconfig and project file in a private temporary directory, and stops it again.
class SandboxLauncher final : public QObject
{
    Q_OBJECT

public:
    explicit SandboxLauncher(QObject *parent = nullptr);
    ~SandboxLauncher() override;
    Q_DISABLE_COPY_MOVE(SandboxLauncher)

    /// Where lucent-sandbox is: next to the console when installed (lib/lucent-console),
    /// in the build tree, or on PATH. Empty when nowhere.
    static QString locate(const QString &applicationDir);
    void start(const QString &program);

    QString kubeconfig() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }
    QString projectFile() const { return m_dir.filePath(QStringLiteral("lucent.yaml")); }

Q_SIGNALS:
    /// The sandbox listens at @p url; its files are written.
    void started(const QString &url);
    void failed(const QString &sentence);

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    bool m_started = false;
};

} // namespace Lucent::Core::Environment
