#pragma once

#include "core/release/analysis.h"

#include <QObject>
#include <QPointer>

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Core::Release {

/// Measures a set of metrics against Prometheus: after an initial delay, every interval, until
/// each metric has its count of measurements or one of them fails. An unanswered query is a
/// measurement without data (inconclusive), never a pass.
class AnalysisRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnalysisRunner)

public:
    AnalysisRunner(Prometheus::PrometheusClient *prometheus, const QList<AnalysisMetric> &metrics,
                   QObject *parent = nullptr);

    void start(int initialDelaySeconds, int intervalSeconds);
    /// Stops measuring; finished() is not emitted.
    void cancel() { m_cancelled = true; }
    const QList<MetricRun> &runs() const { return m_runs; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    /// After each round of measurements: one sentence per metric.
    void measured(const QStringList &sentences);
    /// @p verdict is Passed, Failed or Inconclusive; @p sentence names what failed.
    void finished(Lucent::Core::Release::AnalysisVerdict verdict, const QString &sentence);

private:
    void measure();
    void judgeRound();

    QPointer<Prometheus::PrometheusClient> m_prometheus;
    QList<MetricRun> m_runs;
    int m_intervalSeconds = 10;
    int m_pending = 0;
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace Lucent::Core::Release
