#pragma once

#include "core/validation/manifestjson.h"

#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

namespace Lucent::Core::Apply {

/// Renders an environment's kustomization with the real kustomize, never a subset of our own:
/// `kustomize build DIR` where kustomize is on PATH, else `kubectl kustomize DIR` (kubectl has
/// kustomize built in). The tool runs as a child process, so nothing waits on it; destroying the
/// renderer stops it. Each outcome is one signal: rendered() with the API objects in the order
/// kustomize prints them, or failed() with a sentence that says what failed and what to do.
class EnvironmentRenderer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentRenderer)

public:
    explicit EnvironmentRenderer(QObject *parent = nullptr);
    ~EnvironmentRenderer() override;

    /// Renders @p directory (a folder with a kustomization.yaml); a render already running is
    /// stopped first, and only the last one reports.
    void render(const QString &directory);
    bool isRunning() const { return m_process != nullptr; }
    /// "kustomize build" or "kubectl kustomize": the command of the last render.
    QString command() const { return m_command; }

    /// A render longer than this is stopped and reported as failed.
    static constexpr int TimeoutMs = 60000;

Q_SIGNALS:
    void rendered(const QList<Lucent::Core::Validation::ManifestObject> &objects);
    void failed(const QString &sentence);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);
    /// Ends the running render, if any, without a report.
    void stop();

    QProcess *m_process = nullptr; ///< the running render's tool; null when none runs
    QTimer m_timeout;
    QString m_directory;
    QString m_command;
};

} // namespace Lucent::Core::Apply
