#pragma once

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Release {

/// The switch of a blue-green promotion for one Service: only the `color` of its selector
/// changes, and only if the Service is still the one the plan read (JSON-patch tests of its
/// resourceVersion and of the colour it had), so that a Service edited meanwhile is never
/// overwritten. Then the switch is verified: the Service's Endpoints hold exactly the ready
/// pods of the new colour.
class ServiceSwitch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceSwitch)

public:
    ServiceSwitch(Kube::KubeClient *client, QString namespaceName, QObject *parent = nullptr);

    /// Switches @p service from colour @p from to @p to if its resourceVersion is still
    /// @p resourceVersion, then waits up to @p verifyTimeoutMs for its Endpoints to agree. The
    /// colour is dropped from kubectl's @p lastApplied record in the same patch, if it has one.
    void run(const QString &service, const QString &from, const QString &to, const QString &resourceVersion,
             int verifyTimeoutMs = 30000, const QString &lastApplied = {});

    /// The Service's resourceVersion after the switch: the next change's precondition.
    QString resourceVersion() const { return m_resourceVersion; }

Q_SIGNALS:
    /// @p switched: the selector was changed (even when the verification then failed);
    /// @p sentence says what happened.
    void finished(bool ok, bool switched, const QString &sentence);

private:
    void verify();
    void finish(bool ok, const QString &sentence);

    QPointer<Kube::KubeClient> m_client;
    QString m_namespace;
    QString m_service;
    QString m_from;
    QString m_to;
    QString m_resourceVersion;
    bool m_switched = false;
    QString m_lastMismatch;
    QTimer m_retry;
    QTimer m_deadline;
};

/// Whether @p endpoints hold exactly @p readyPods as ready addresses (and at least one), and
/// no other pod: the invariant after a switch. @p mismatch says how they differ otherwise.
bool endpointsMatch(const QJsonObject &endpoints, const QSet<QString> &readyPods, QString *mismatch);

} // namespace Lucent::Core::Release
