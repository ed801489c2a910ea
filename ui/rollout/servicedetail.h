#pragma once

#include "core/release/serviceselection.h"

#include <QJsonObject>
#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;
class QJsonObject;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Core::Kube {
class ResourceCache;
}
namespace Lucent::Core::Jobs {
template<typename T> class LatestJob;
}

namespace Lucent::Ui {

/// Everything about one service: its ReplicaSet history, pods, conditions and recent
/// events, and the Service's selector with the pods it selects now. Follows the session's
/// caches; bursts of watch events are folded into one refresh.
class ServiceDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceDetail)

public:
    enum PodColumn { PodNameColumn, StatusColumn, ReadyColumn, RestartsColumn, CpuColumn, MemoryColumn };

    explicit ServiceDetail(QWidget *parent = nullptr);
    ~ServiceDetail() override;

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    /// Shows @p deployment, the Deployment of the live colour of the Service @p service; an
    /// empty @p deployment with a @p service says that none of its Deployments is known yet.
    void setService(const QString &deployment, const QString &service = {});
    QString service() const { return m_service; }
    QString serviceName() const { return m_serviceName; }

private:
    void scheduleRefresh();
    /// Whether a change to @p object (from @p cache) can change what this view shows: in a
    /// namespace of ten thousand pods, the other services' churn must not rebuild it.
    bool concerns(const Lucent::Core::Kube::ResourceCache *cache, const QJsonObject &object) const;
    void refresh();
    void fillRevisions(const QJsonObject &deployment);
    void fillPods(const QJsonObject &deployment);
    void showPods(const QList<QJsonObject> &pods);
    struct Scan {
        QList<QJsonObject> pods; ///< the Deployment's
        Lucent::Core::Release::ServiceSelection selection;
        bool selectionKnown = false; ///< the Service and the pods were listed
        QList<QJsonObject> events; ///< the newest about it
    };
    void showScan(const Scan &scan);
    void showSelection(const Scan &scan);
    /// CPU (with its recent history) and memory (against the limits) of @p pod, when the cluster
    /// serves metrics.k8s.io; a dash that says why when it does not.
    void fillUsage(QTreeWidgetItem *item, const QJsonObject &pod) const;
    void fillEvents(const QJsonObject &deployment);

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QString m_service; ///< the Deployment shown
    QString m_serviceName; ///< the Service it serves, as the table names it
    QJsonObject m_matchLabels; ///< the shown Deployment's selector, as of the last refresh
    QLabel *m_title = nullptr;
    QTreeWidget *m_revisions = nullptr;
    QTreeWidget *m_pods = nullptr;
    QTreeWidget *m_events = nullptr;
    QLabel *m_selector = nullptr;
    QTimer *m_refresh = nullptr;
    std::unique_ptr<Lucent::Core::Jobs::LatestJob<Scan>> m_podScan;
};

} // namespace Lucent::Ui
