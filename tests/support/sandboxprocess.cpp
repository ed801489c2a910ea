#include "sandboxprocess.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Lucent::Tests {

SandboxProcess::SandboxProcess(QStringList extraArguments)
    : m_arguments(std::move(extraArguments))
{
}

SandboxProcess::~SandboxProcess()
{
    if (!stop())
        qWarning("%s", qPrintable(m_error));
}

bool SandboxProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    m_process.terminate();
    if (m_process.waitForFinished(5000))
        return true;
    m_process.kill();
    if (m_process.waitForFinished(5000))
        return true;
    m_error = QStringLiteral("the sandbox (pid %1) did not end on SIGTERM nor on SIGKILL").arg(m_process.processId());
    return false;
}

bool SandboxProcess::restart()
{
    const QString port = m_url.section(QLatin1Char(':'), -1);
    // A sandbox still running would keep the port, and the new one could not listen on it.
    if (!stop())
        return false;
    m_port = port;
    return start();
}

QString SandboxProcess::kubectlPath()
{
    const QString configured = qEnvironmentVariable("LUCENT_KUBECTL");
    return configured.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("kubectl")) : configured;
}

bool SandboxProcess::start()
{
    const QString binary = qEnvironmentVariable("LUCENT_SANDBOX");
    if (binary.isEmpty()) {
        m_error = QStringLiteral("LUCENT_SANDBOX is not set");
        return false;
    }
    QStringList args{QStringLiteral("--port"),        m_port,       QStringLiteral("--kubeconfig-out"), kubeconfig(),
                     QStringLiteral("--project-out"), projectFile()};
    args += m_arguments;
    m_process.setProgram(binary);
    m_process.setArguments(args);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // A test killed by a timeout or a crash must not leave its sandbox (and Prometheus) running.
    m_process.setChildProcessModifier([niceness = m_niceness] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (niceness != 0)
            ::setpriority(PRIO_PROCESS, 0, niceness); // every thread it starts inherits it
    });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(binary, m_process.errorString());
        return false;
    }
    const QRegularExpression listening(QStringLiteral("lucent-sandbox listening on (\\S+)"));
    QByteArray seen;
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        // Nothing to read in 200 ms is no answer yet: the deadline, the output and the
        // process's state below decide.
        const bool readable = m_process.waitForReadyRead(200);
        seen += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(seen));
        if (match.hasMatch()) {
            m_url = match.captured(1);
            return true;
        }
        if (!readable && m_process.state() == QProcess::NotRunning)
            break;
    }
    m_error = QStringLiteral("the sandbox did not report its address; stderr: %1")
                  .arg(QString::fromUtf8(m_process.readAllStandardError()));
    return false;
}

QProcess *SandboxProcess::startKubectl(const QStringList &arguments, const QString &program) const
{
    auto *process = new QProcess;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), kubeconfig());
    env.insert(QStringLiteral("HOME"), m_dir.path());
    process->setProcessEnvironment(env);
    process->start(program.isEmpty() ? kubectlPath() : program, arguments);
    if (!process->waitForStarted(10000)) {
        qWarning("kubectl %s did not start: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                 qPrintable(process->errorString()));
        delete process;
        return nullptr;
    }
    return process;
}

CommandResult SandboxProcess::kubectl(const QStringList &arguments, int timeoutMs, const QByteArray &input,
                                      const QString &program) const
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), kubeconfig());
    env.insert(QStringLiteral("HOME"), m_dir.path()); // kubectl's discovery cache stays per test
    process.setProcessEnvironment(env);
    process.start(program.isEmpty() ? kubectlPath() : program, arguments);
    CommandResult result;
    if (!process.waitForStarted(10000))
        return result;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        result.err = process.waitForFinished(5000) ? "timed out" : "timed out, and did not end on SIGKILL";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace Lucent::Tests
