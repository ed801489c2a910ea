#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QJsonObject;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace Lucent::Core::Environment {
class EnvironmentSession;
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

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    void setService(const QString &name);
    QString service() const { return m_service; }

private:
    void scheduleRefresh();
    void refresh();
    void fillRevisions(const QJsonObject &deployment);
    void fillPods(const QJsonObject &deployment);
    /// CPU (with its recent history) and memory (against the limits) of @p pod, when the cluster
    /// serves metrics.k8s.io; a dash that says why when it does not.
    void fillUsage(QTreeWidgetItem *item, const QJsonObject &pod) const;
    void fillEvents(const QJsonObject &deployment);
    void fillSelector();

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QString m_service;
    QLabel *m_title = nullptr;
    QTreeWidget *m_revisions = nullptr;
    QTreeWidget *m_pods = nullptr;
    QTreeWidget *m_events = nullptr;
    QLabel *m_selector = nullptr;
    QTimer *m_refresh = nullptr;
};

} // namespace Lucent::Ui
