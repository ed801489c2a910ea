#include "core/apply/environmentrender.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <utility>

namespace Lucent::Core::Apply {

namespace {

/// What the tool said, without kubectl's log header ("E1208 00:57:12.99 13052 run.go:72]
/// "command failed" err=\"…\""): its first lines, enough to name the problem in one sentence.
QString firstLines(const QByteArray &text, int lines = 3)
{
    static const QRegularExpression header(QStringLiteral(R"(^[IWEF]\d{4} [\d:.]+\s+\d+ [^\]]+\] )"));
    static const QRegularExpression wrapped(QStringLiteral(R"re(^"command failed" err="(.*)"$)re"));
    QStringList kept;
    for (QString line : QString::fromUtf8(text).trimmed().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        line.remove(header);
        if (const auto match = wrapped.match(line); match.hasMatch())
            line = match.captured(1).replace(QStringLiteral("\\\""), QStringLiteral("\""));
        kept.append(line.trimmed());
    }
    if (kept.size() > lines)
        kept = kept.mid(0, lines) << QStringLiteral("…");
    return kept.join(QLatin1Char(' '));
}

} // namespace

EnvironmentRenderer::EnvironmentRenderer(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(TimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        stop();
        Q_EMIT failed(tr("%1 %2 did not finish within %3 s; it was stopped. Check that the kustomization's "
                         "remote resources (if any) are reachable, then try again.")
                          .arg(m_command, QDir::toNativeSeparators(m_directory))
                          .arg(TimeoutMs / 1000));
    });
}

EnvironmentRenderer::~EnvironmentRenderer()
{
    stop();
}

void EnvironmentRenderer::stop()
{
    m_timeout.stop();
    if (!m_process)
        return;
    QProcess *process = std::exchange(m_process, nullptr);
    process->disconnect(this);
    process->kill();
    process->waitForFinished(1000); // a killed child ends at once: none is left behind
    delete process;
}

void EnvironmentRenderer::render(const QString &directory)
{
    stop(); // only the last render reports
    m_directory = directory;
    m_command.clear();
    const QDir dir(directory);
    if (!QFileInfo::exists(dir.filePath(QStringLiteral("kustomization.yaml")))
        && !QFileInfo::exists(dir.filePath(QStringLiteral("kustomization.yml")))
        && !QFileInfo::exists(dir.filePath(QStringLiteral("Kustomization")))) {
        Q_EMIT failed(tr("%1 has no kustomization.yaml; the environment's 'manifests:' in lucent.yaml must name "
                         "a kustomization directory, like manifests/staging.")
                          .arg(QDir::toNativeSeparators(directory)));
        return;
    }
    const QString kustomize = QStandardPaths::findExecutable(QStringLiteral("kustomize"));
    const QString kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    QString program;
    QStringList arguments;
    if (!kustomize.isEmpty()) {
        program = kustomize;
        arguments = {QStringLiteral("build"), directory};
        m_command = QStringLiteral("kustomize build");
    } else if (!kubectl.isEmpty()) {
        program = kubectl;
        arguments = {QStringLiteral("kustomize"), directory};
        m_command = QStringLiteral("kubectl kustomize");
    } else {
        Q_EMIT failed(tr("Rendering %1 needs kustomize or kubectl on PATH, and neither was found. Install kubectl "
                         "(it has kustomize built in) or kustomize, then try again.")
                          .arg(QDir::toNativeSeparators(directory)));
        return;
    }
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    connect(m_process, &QProcess::finished, this, &EnvironmentRenderer::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // a crash or a kill ends in finished()
        const QString why = m_process->errorString();
        stop();
        Q_EMIT failed(tr("%1 could not be started: %2.").arg(m_command, why));
    });
    m_timeout.start();
    m_process->start(program, arguments);
}

void EnvironmentRenderer::onFinished(int exitCode, QProcess::ExitStatus status)
{
    const QByteArray out = m_process->readAllStandardOutput();
    const QByteArray err = m_process->readAllStandardError();
    m_timeout.stop();
    m_process->deleteLater(); // this is its own signal: not deleted under it
    m_process = nullptr;
    const QString where = QDir::toNativeSeparators(m_directory);
    if (status != QProcess::NormalExit || exitCode != 0) {
        Q_EMIT failed(
            tr("%1 %2 failed: %3 Fix the kustomization, then render again.")
                .arg(m_command, where,
                     err.trimmed().isEmpty() ? tr("(it said nothing; exit %1).").arg(exitCode) : firstLines(err)));
        return;
    }
    QString error;
    const QList<Validation::ManifestObject> objects = Validation::manifestObjects(out, &error);
    if (!error.isEmpty()) {
        Q_EMIT failed(tr("%1 %2 printed YAML that cannot be read: %3").arg(m_command, where, error));
        return;
    }
    Q_EMIT rendered(objects);
}

} // namespace Lucent::Core::Apply
