#pragma once

#include "core/release/analysis.h"
#include "core/release/promotionplan.h"

#include <QTimer>
#include <QWidget>

#include <memory>

class QPushButton;
class QTableWidget;

namespace Lucent::Core::Kube {
class KubeClient;
class ResourceCache;
} // namespace Lucent::Core::Kube

namespace Lucent::Ui {

/// Each service of a running promotion, live from the cluster: its standby colour and
/// version, replicas ready, its pods' states, the latest event about them, and the analysis'
/// verdict so far; and a button for the standby pods' logs. Watches with its own caches on the
/// promotion's client, so that it goes on while the console shows another environment.
class StandbyProgress final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StandbyProgress)

public:
    enum Column { ServiceColumn, StandbyColumn, ReadyColumn, PodsColumn, EventColumn, AnalysisColumn, ColumnCount };

    explicit StandbyProgress(QWidget *parent = nullptr);
    ~StandbyProgress() override;

    /// Starts watching @p plan's namespace through @p client (not owned; it outlives this).
    void watch(Core::Kube::KubeClient *client, const Core::Release::PromotionPlan &plan);
    /// The analysis' measurements so far: each service's row gets its metrics' verdicts.
    void setAnalysis(const QList<Core::Release::MetricRun> &runs, bool monitor);
    /// The promotion runs without analysis: its column says so.
    void setAnalysisOff(bool off);
    QTableWidget *table() const { return m_table; }
    /// What of the new colour is not ready as watched now ("user-service green 0/3 ready"); empty
    /// when every service's standby is rolled out with all its planned replicas ready.
    QString notReady() const;

Q_SIGNALS:
    /// The table was filled again from what the watches saw.
    void refreshed();
    /// The logs of the chosen service's standby pods: a label selector ("app=x,color=green").
    void logsRequested(const QString &selector);

private:
    void fill();
    QString podsText(const Core::Release::PlannedService &planned) const;
    QString latestEvent(const Core::Release::PlannedService &planned) const;

    Core::Release::PromotionPlan m_plan;
    std::unique_ptr<Core::Kube::ResourceCache> m_deployments;
    std::unique_ptr<Core::Kube::ResourceCache> m_pods;
    std::unique_ptr<Core::Kube::ResourceCache> m_events;
    QHash<QString, QString> m_analysis; ///< service -> its metrics' verdicts
    bool m_analysisOff = false;
    QTableWidget *m_table = nullptr;
    QPushButton *m_logs = nullptr;
    QTimer m_refill; ///< coalesces a burst of watch events into one refill
};

} // namespace Lucent::Ui
