#include "core/release/smoketest.h"

#include "core/logging/redaction.h"

#include <QDir>
#include <QFileInfo>

namespace Lucent::Core::Release {

SmokeTest::SmokeTest(QStringList command, QString workingDirectory, int timeoutSeconds, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_workingDirectory(std::move(workingDirectory))
    , m_timeoutSeconds(timeoutSeconds)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_timeout.setSingleShot(true);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_output += m_process.readAllStandardOutput();
        if (m_output.size() > 4 * KeptOutputBytes)
            m_output = m_output.right(KeptOutputBytes);
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (status == QProcess::NormalExit && code == 0)
            finish(true, tr("The smoke test of %1 passed.").arg(m_service));
        else if (status == QProcess::NormalExit)
            finish(false, tr("The smoke test of %1 failed with exit code %2.").arg(m_service).arg(code));
        else if (!m_finished)
            finish(false, tr("The smoke test of %1 crashed.").arg(m_service));
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish(false,
                   tr("The smoke test %1 could not be started (%2); check promotion.smokeTest in lucent.yaml.")
                       .arg(m_command.value(0), m_process.errorString()));
    });
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(
            false,
            tr("The smoke test of %1 did not end within %2 s and was stopped.").arg(m_service).arg(m_timeoutSeconds));
        m_process.kill();
    });
}

void SmokeTest::run(const Context &context)
{
    m_service = context.service;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LUCENT_ENVIRONMENT"), context.environment);
    environment.insert(QStringLiteral("LUCENT_NAMESPACE"), context.namespaceName);
    environment.insert(QStringLiteral("LUCENT_SERVICE"), context.service);
    environment.insert(QStringLiteral("LUCENT_COLOUR"), context.colour);
    environment.insert(QStringLiteral("LUCENT_TARGET_SERVICE"), context.target);
    environment.insert(QStringLiteral("LUCENT_TARGET_URL"), context.url);
    environment.insert(QStringLiteral("LUCENT_PHASE"), context.phase);
    environment.insert(QStringLiteral("LUCENT_CONTEXT"), context.kubeContext);
    if (!context.kubeconfig.isEmpty())
        environment.insert(QStringLiteral("KUBECONFIG"), context.kubeconfig);
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(m_workingDirectory);
    // A relative program is the project's own script, next to lucent.yaml; a bare name is
    // looked up on PATH.
    QString program = m_command.value(0);
    if (program.contains(QLatin1Char('/')) && QFileInfo(program).isRelative())
        program = QDir(m_workingDirectory).absoluteFilePath(program);
    m_timeout.start(m_timeoutSeconds * 1000);
    m_process.start(program, m_command.mid(1));
}

void SmokeTest::finish(bool passed, const QString &sentence)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_output += m_process.readAllStandardOutput();
    const QString output = Redaction::redact(QString::fromUtf8(m_output.right(KeptOutputBytes))).trimmed();
    Q_EMIT finished(passed, sentence, output);
}

SmokeTestRun::SmokeTestRun(QStringList command, QString workingDirectory, int timeoutSeconds, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_workingDirectory(std::move(workingDirectory))
    , m_timeoutSeconds(timeoutSeconds)
{
}

void SmokeTestRun::run(const QList<SmokeTest::Context> &contexts)
{
    m_pending = int(contexts.size());
    m_failures.clear();
    for (const SmokeTest::Context &context : contexts) {
        auto *test = new SmokeTest(m_command, m_workingDirectory, m_timeoutSeconds, this);
        connect(test, &SmokeTest::finished, this,
                [this, test](bool passed, const QString &sentence, const QString &output) {
                    test->deleteLater();
                    if (!passed)
                        m_failures.append(sentence);
                    Q_EMIT serviceFinished(passed, sentence, output);
                    if (--m_pending == 0)
                        Q_EMIT finished(m_failures.isEmpty(), m_failures.join(QLatin1Char(' ')));
                });
        test->run(context);
    }
}

} // namespace Lucent::Core::Release
