#include "core/environment/sandboxlauncher.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Lucent::Core::Environment {

SandboxLauncher::SandboxLauncher(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_output += m_process.readAllStandardOutput();
        static const QRegularExpression listening(QStringLiteral("lucent-sandbox listening on (\\S+)"));
        const auto match = listening.match(QString::fromUtf8(m_output));
        if (!m_started && match.hasMatch()) {
            m_started = true;
            Q_EMIT started(match.captured(1));
        }
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT failed(tr("lucent-sandbox could not be started (%1).").arg(m_process.errorString()));
    });
    connect(&m_process, &QProcess::finished, this, [this](int code) {
        if (!m_started)
            Q_EMIT failed(tr("lucent-sandbox stopped before it listened (exit code %1): %2")
                              .arg(code)
                              .arg(QString::fromUtf8(m_process.readAllStandardError()).trimmed()));
    });
}

SandboxLauncher::~SandboxLauncher()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        m_process.terminate();
        // At exit only. The sandbox stops its Prometheus first, which may take a few seconds.
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }
}

QString SandboxLauncher::locate(const QString &applicationDir)
{
    const QDir dir(applicationDir);
    for (const QString &candidate :
         {dir.filePath(QStringLiteral("../lib/lucent-console/lucent-sandbox")),
          dir.filePath(QStringLiteral("../sandbox/lucent-sandbox")), dir.filePath(QStringLiteral("lucent-sandbox"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).absoluteFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("lucent-sandbox"));
}

void SandboxLauncher::start(const QString &program)
{
    if (program.isEmpty()) {
        Q_EMIT failed(tr("lucent-sandbox was not found next to the console or on PATH. Install the lucent-console "
                         "package, or build the project with scripts/dev.sh."));
        return;
    }
    QStringList arguments{QStringLiteral("--port"),           QStringLiteral("0"),
                          QStringLiteral("--kubeconfig-out"), kubeconfig(),
                          QStringLiteral("--project-out"),    projectFile()};
    // A real Prometheus for the sandbox's pods, when the machine has one.
    if (!QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty())
        arguments.append(QStringLiteral("--prometheus"));
    m_process.start(program, arguments);
}

} // namespace Lucent::Core::Environment
