#pragma once

#include "ui/common/itemroles.h"

#include "core/environment/environmentsession.h"
#include "core/release/rolloutsummary.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QPointer>

namespace Lucent::Ui {

/// One row per Deployment of the environment's platform: versions, colour, replica counts,
/// rollout state, restarts and age. Fed by the session's watch caches: a watch event changes
/// the cells it touches; only a new environment resets the model.
class ServicesTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesTableModel)

public:
    enum Column {
        ServiceColumn,
        VersionColumn,
        ColourColumn,
        DesiredColumn,
        UpdatedColumn,
        ReadyColumn,
        AvailableColumn,
        StateColumn,
        AlertsColumn,
        RestartsColumn,
        AgeColumn,
        ColumnCount
    };
    enum Role { StateRole = ServiceStateRole, NameRole = ServiceNameRole, StaleRole = ServiceStaleRole };

    explicit ServicesTableModel(QObject *parent = nullptr);

    /// Shows @p session's services; nullptr empties the table.
    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    Lucent::Core::Environment::EnvironmentSession *session() const { return m_session; }

    int rowOf(const QString &name) const;
    Lucent::Core::Release::RolloutSummary summary(int row) const { return m_rows.value(row).summary; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        Lucent::Core::Release::RolloutSummary summary;
        QJsonObject selector; ///< spec.selector.matchLabels
        int restarts = 0;
    };
    void connectCaches();
    bool belongs(const QJsonObject &deployment) const;
    void onDeployment(const QJsonObject &deployment);
    void onDeploymentRemoved(const QJsonObject &deployment);
    void onPod(const QJsonObject &pod, bool removed);
    void addRestarts(int row, int delta);
    QVariant display(const Row &row, int column) const;
    /// Whether @p column shows what no live source confirms now: every column while the
    /// cluster cannot be reached, the Alerts column while Prometheus cannot.
    bool isStale(int column) const;
    QString staleNote(int column) const;
    void onSessionState();
    void refreshAll(int firstColumn, int lastColumn);

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QList<Row> m_rows;
    QDateTime m_clusterConfirmed; ///< while stale: when the cluster was last live
    bool m_clusterStale = false;
    QDateTime m_alertsConfirmed; ///< while stale: when Prometheus last answered
    bool m_alertsStale = false;
    struct PodShare {
        QString owner; ///< the service row the pod belongs to
        int restarts = 0; ///< its containers' restarts, counted in that row
    };
    QHash<QString, PodShare> m_pods; ///< by pod name
};

} // namespace Lucent::Ui
