#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace Lucent::Core::Kube {
class KubeClient;
}

// What a failed colour said before it was scaled to 0: its pods' last log lines and its events,
// with the analysis' measurements. Scaling a colour down deletes its pods and their logs just
// when someone needs to know why it failed, so a rollback keeps them first.
namespace Lucent::Core::Release {

/// The end of one container's log (or of its previous instance's, after a restart).
struct ContainerLog {
    QString pod;
    QString container;
    bool previous = false; ///< the instance before the last restart
    QStringList lines; ///< redacted, at most FailureEvidence::LinesPerContainer
    QString problem; ///< why there are none (the log could not be read)
};

/// One event of the colour's Deployment, ReplicaSets or pods.
struct EvidenceEvent {
    QString object; ///< "pod/wallet-service-green-7c9-x2k4q"
    QString type; ///< Normal or Warning
    QString reason;
    QString message; ///< redacted
    int count = 1;
    QString last; ///< when it was last seen (UTC, ISO 8601)
};

struct FailureEvidence {
    static constexpr int LinesPerContainer = 200;
    static constexpr int MaxEvents = 100;

    QString colour;
    QStringList deployments;
    QString collected; ///< when (UTC, ISO 8601)
    QList<ContainerLog> logs;
    QList<EvidenceEvent> events;
    QStringList measurements; ///< the analysis' sentences, one per metric
    QStringList problems; ///< what could not be read, as sentences

    bool isEmpty() const { return logs.isEmpty() && events.isEmpty() && measurements.isEmpty() && problems.isEmpty(); }
    /// A few lines for the journal and a glance: what was kept, the warnings, each container's
    /// last line.
    QString summary() const;
    /// Everything, for the Done page and the history: measurements, events, then each log.
    QString text() const;
    QJsonObject toJson() const;
    static FailureEvidence fromJson(const QJsonObject &json);
};

/// Reads a colour's evidence: its pods (by the app and color labels of @p services), their
/// containers' logs (and the previous instance's after a restart), the events of its
/// Deployments, ReplicaSets and pods. What cannot be read is said in the evidence; what has not
/// been answered after @p timeoutMs is given up, so a rollback never waits long on it.
class EvidenceCollector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EvidenceCollector)

public:
    using Done = std::function<void(const FailureEvidence &evidence)>;
    EvidenceCollector(Kube::KubeClient *client, QString namespaceName, QObject *parent = nullptr);

    void collect(const QStringList &services, const QString &colour, const QStringList &deployments, Done done,
                 int timeoutMs = 20000);

private:
    void listed();
    void readLogs(const QJsonObject &pod);
    void readLog(const QString &pod, const QString &container, bool previous);
    void pickEvents(const QJsonObject &list);
    void answered();
    void finish();

    QPointer<Kube::KubeClient> m_client;
    QString m_namespace;
    QString m_selector;
    FailureEvidence m_evidence;
    QStringList m_replicaSets;
    QList<QJsonObject> m_pods;
    QJsonObject m_eventList;
    int m_pending = 0;
    bool m_listing = false; ///< the pods, ReplicaSets and events are being listed
    bool m_done = true;
    Done m_finished;
    QTimer m_deadline;
};

} // namespace Lucent::Core::Release
