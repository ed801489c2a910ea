#pragma once

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

namespace Lucent::Core::Release {

/// A project's smoke test (lucent.yaml `promotion.smokeTest`), run for one service of a
/// promotion: the program with its arguments and no shell, in the project file's directory,
/// with what it tests in its environment (see Context). Its exit code is a gate; its output is
/// kept (the end of it, redacted) for the journal and the progress lines.
class SmokeTest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmokeTest)

public:
    /// What the test is told, as LUCENT_* variables (and KUBECONFIG).
    struct Context {
        QString environment; ///< LUCENT_ENVIRONMENT
        QString namespaceName; ///< LUCENT_NAMESPACE
        QString service; ///< LUCENT_SERVICE
        QString colour; ///< LUCENT_COLOUR: the colour under test
        QString target; ///< LUCENT_TARGET_SERVICE: the preview Service before the switch, else the Service
        QString url; ///< LUCENT_TARGET_URL: the target through the API server's service proxy
        QString kubeconfig; ///< KUBECONFIG (when known) and LUCENT_CONTEXT
        QString kubeContext;
        QString phase; ///< LUCENT_PHASE: "preview" (before the switch) or "monitor"
    };

    static constexpr int KeptOutputBytes = 2000;

    SmokeTest(QStringList command, QString workingDirectory, int timeoutSeconds, QObject *parent = nullptr);

    void run(const Context &context);

Q_SIGNALS:
    /// @p output: the last KeptOutputBytes of stdout and stderr, redacted.
    void finished(bool passed, const QString &sentence, const QString &output);

private:
    void finish(bool passed, const QString &sentence);

    QStringList m_command;
    QString m_workingDirectory;
    int m_timeoutSeconds;
    QProcess m_process;
    QTimer m_timeout;
    QByteArray m_output;
    QString m_service;
    bool m_finished = false;
};

/// A smoke test run for every service of a release at once: passed when every run passed.
class SmokeTestRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmokeTestRun)

public:
    SmokeTestRun(QStringList command, QString workingDirectory, int timeoutSeconds, QObject *parent = nullptr);
    void run(const QList<SmokeTest::Context> &contexts);

Q_SIGNALS:
    /// One per service, as each ends.
    void serviceFinished(bool passed, const QString &sentence, const QString &output);
    /// @p failures: the sentences of the runs that failed.
    void finished(bool passed, const QString &failures);

private:
    QStringList m_command;
    QString m_workingDirectory;
    int m_timeoutSeconds;
    int m_pending = 0;
    QStringList m_failures;
};

} // namespace Lucent::Core::Release
