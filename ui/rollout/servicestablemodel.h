#pragma once

#include "ui/common/itemroles.h"

#include "core/environment/environmentsession.h"
#include "core/release/promotionjournal.h"
#include "core/release/servicestatus.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QPointer>

namespace Lucent::Ui {

/// One row per Service of the environment's platform: the colour and version it serves now
/// (its selector, its Endpoints' pods), the target of a rollout under way, the standby
/// colour, and the live colour's Deployment's replicas, rollout state, restarts and age. Fed
/// by the session's watch caches: an event recomputes the rows it touches; only a new
/// environment resets the model.
class ServicesTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesTableModel)

public:
    enum Column {
        // What a glance needs first, so that it fits the narrowest window: what serves, whether
        // its rollout is well, whether anything fires; then the replica counts.
        ServiceColumn,
        VersionColumn,
        ColourColumn,
        StateColumn,
        PromotionColumn, ///< the step of a promotion under way that includes the service
        AlertsColumn,
        ReadyColumn, ///< "ready/desired", as kubectl get deployments
        StandbyColumn,
        UpdatedColumn,
        AvailableColumn,
        RestartsColumn,
        AgeColumn,
        ColumnCount
    };
    enum Role {
        StateRole = ServiceStateRole,
        NameRole = ServiceNameRole,
        StaleRole = ServiceStaleRole,
        DeploymentRole = ServiceDeploymentRole
    };

    explicit ServicesTableModel(QObject *parent = nullptr);

    /// Shows @p session's services; nullptr empties the table.
    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    Lucent::Core::Environment::EnvironmentSession *session() const { return m_session; }

    int rowOf(const QString &service) const;
    Lucent::Core::Release::ServiceStatus status(int row) const { return m_rows.value(row).status; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        Lucent::Core::Release::ServiceStatus status;
        QJsonObject baseSelector; ///< the Service's selector without "color": every colour's pods
        int restarts = 0;
    };
    void connectCaches();
    bool belongs(const QString &service) const;
    void onService(const QJsonObject &service);
    void onServiceRemoved(const QJsonObject &service);
    /// Recomputes the row of @p service from the caches; emits the change when it differs.
    void recompute(const QString &service);
    void recomputeAll();
    Lucent::Core::Release::ServiceStatus statusOf(const QJsonObject &service,
                                                  const QList<QJsonObject> &deployments) const;
    void onPod(const QJsonObject &pod, bool removed);
    void addRestarts(int row, int delta);
    QVariant display(const Row &row, int column) const;
    QVariant sortKey(const Row &row, int column) const;
    QVariant toolTip(const Row &row, int column) const;
    /// Whether @p column shows what no live source confirms now: every column while the
    /// cluster cannot be reached, the Alerts column while Prometheus cannot.
    bool isStale(int column) const;
    QString staleNote(int column) const;
    void onSessionState();
    void refreshAll(int firstColumn, int lastColumn);
    void onPromotionLease();

public:
    /// What the namespace's promotion Lease says is going on.
    const Core::Release::PromotionActivity &promotion() const { return m_promotion; }

Q_SIGNALS:
    void promotionChanged();

private:
    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QList<Row> m_rows;
    QDateTime m_clusterConfirmed; ///< while stale: when the cluster was last live
    bool m_clusterStale = false;
    Core::Release::PromotionActivity m_promotion; ///< from the namespace's promotion Lease
    QDateTime m_alertsConfirmed; ///< while stale: when Prometheus last answered
    bool m_alertsStale = false;
    struct PodShare {
        QString owner; ///< the service row the pod belongs to
        int restarts = 0; ///< its containers' restarts, counted in that row
        QString version; ///< its images' tags: a change may change what the row serves
    };
    QHash<QString, PodShare> m_pods; ///< by pod name
};

} // namespace Lucent::Ui
