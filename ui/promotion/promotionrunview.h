#pragma once

#include "core/environment/projectconfig.h"
#include "core/release/promotionengine.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace Lucent::Ui {

class ColourComparison;
class StandbyProgress;

/// The wizard's running promotion: the step (with the monitor window's countdown), each
/// service's new colour live from the cluster, the charts of both colours with the analysis'
/// thresholds, every progress line; the inconclusive analysis' question and the Promote gate
/// (the environment's name typed when it is protected). Shows what the engine does; decides
/// nothing itself.
class PromotionRunView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionRunView)

public:
    explicit PromotionRunView(const Core::Environment::Environment &environment, QWidget *parent = nullptr);

    /// Follows @p engine (running on @p client, measured by @p prometheus, which may be null).
    void attach(Core::Release::PromotionEngine *engine, Core::Kube::KubeClient *client,
                Core::Prometheus::PrometheusClient *prometheus, const Core::Release::PromotionOptions &options);
    /// "deploy 12 s, ready 40 s, ...": how long each step took so far.
    QString timings() const;
    ColourComparison *comparison() const { return m_comparison; }
    StandbyProgress *progress() const { return m_progress; }

Q_SIGNALS:
    /// A line for the status bar while the promotion runs.
    void statusChanged(const QString &status);
    /// The standby pods' logs: a label selector for the Logs tab.
    void logsRequested(const QString &selector);
    /// The Services were switched: from now on an abort brings the old colour back.
    void switched();

private:
    QWidget *buildSwitchGate();
    QWidget *buildDecisionGate();
    void onStep(Core::Release::PromotionStep step);
    /// The Promote gate as the new colour is watched now: "Everything is verified" and Promote
    /// only while every standby pod is ready; otherwise what is not, and Promote disabled.
    void showGate();
    void updatePromote();
    void showCountdown();

    Core::Environment::Environment m_environment;
    QPointer<Core::Release::PromotionEngine> m_engine;
    int m_monitorSeconds = 0;
    QLabel *m_step = nullptr;
    StandbyProgress *m_progress = nullptr;
    ColourComparison *m_comparison = nullptr;
    QTabWidget *m_tabs = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QWidget *m_switchGate = nullptr;
    QLabel *m_switchSummary = nullptr;
    QLineEdit *m_confirmName = nullptr;
    QPushButton *m_promote = nullptr;
    bool m_gateOpen = false; ///< the engine waits for Promote
    QString m_gateSummary; ///< what Promote switches
    QString m_refusal; ///< why the last Promote was refused, until the new colour is ready again
    QWidget *m_decisionGate = nullptr;
    QLabel *m_decision = nullptr;
    QTimer m_countdown;
    QElapsedTimer m_stepClock;
    QString m_stepName;
    QList<QPair<QString, qint64>> m_timings; ///< step name, milliseconds
};

} // namespace Lucent::Ui
