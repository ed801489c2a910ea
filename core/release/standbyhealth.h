#pragma once

#include "core/release/promotionplan.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <functional>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Release {

/// The health step of a promotion: each standby pod's health path, fetched through the API
/// server's pod proxy at the planned port, must answer a given number of times in a row
/// within a time limit. No port is ever computed from a name: the plan says which.
class StandbyHealthCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StandbyHealthCheck)

public:
    struct Limits {
        int successes = 3;
        int timeoutSeconds = 60;
        int pollMs = 500;
    };

    StandbyHealthCheck(Kube::KubeClient *client, QString namespaceName, Limits limits, QObject *parent = nullptr);

    void run(const QList<PlannedService> &services);
    /// Stops probing; finished() is not emitted.
    void cancel() { m_cancelled = true; }

Q_SIGNALS:
    void progress(const QString &sentence);
    /// @p problems: one sentence per pod or service that failed; empty when all answered.
    void finished(bool ok, const QString &problems);

private:
    using Done = std::function<void(bool ok, const QString &problem)>;
    void checkService(const PlannedService &planned, const Done &done);
    void probePod(const PlannedService &planned, const QString &pod, int successes, const Done &done);

    QPointer<Kube::KubeClient> m_client;
    QString m_namespace;
    Limits m_limits;
    QElapsedTimer m_clock;
    bool m_cancelled = false;
};

} // namespace Lucent::Core::Release
