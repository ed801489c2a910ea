#include "core/release/analysisrunner.h"

#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"

#include <QTimer>

namespace Lucent::Core::Release {

AnalysisRunner::AnalysisRunner(Prometheus::PrometheusClient *prometheus, const QList<AnalysisMetric> &metrics,
                               QObject *parent)
    : QObject(parent)
    , m_prometheus(prometheus)
{
    for (const AnalysisMetric &metric : metrics)
        m_runs.append({metric, {}, {}});
}

void AnalysisRunner::start(int initialDelaySeconds, int intervalSeconds)
{
    m_intervalSeconds = intervalSeconds;
    QTimer::singleShot(initialDelaySeconds * 1000, this, &AnalysisRunner::measure);
}

void AnalysisRunner::measure()
{
    if (m_cancelled || m_finished)
        return;
    if (!m_prometheus || m_runs.isEmpty()) {
        m_finished = true;
        Q_EMIT finished(AnalysisVerdict::Inconclusive, tr("There is no Prometheus to ask."));
        return;
    }
    m_pending = int(m_runs.size());
    for (int i = 0; i < m_runs.size(); ++i) {
        Prometheus::PrometheusReply *reply = m_prometheus->query(m_runs[i].metric.query);
        connect(reply, &Prometheus::PrometheusReply::finished, this, [this, reply, i] {
            Prometheus::PrometheusError error = reply->error();
            std::optional<Prometheus::QueryResult> result;
            if (!error.isError())
                result = Prometheus::PrometheusResponse::query(reply->body(), reply->httpStatus(), &error);
            m_runs[i].add(result ? singleValue(*result) : std::nullopt);
            if (--m_pending == 0)
                judgeRound();
        });
    }
}

void AnalysisRunner::judgeRound()
{
    if (m_cancelled || m_finished)
        return;
    QStringList sentences;
    for (const MetricRun &run : std::as_const(m_runs))
        sentences.append(run.sentence());
    Q_EMIT measured(sentences);
    const AnalysisVerdict verdict = combined(m_runs);
    if (verdict == AnalysisVerdict::Running) {
        QTimer::singleShot(m_intervalSeconds * 1000, this, &AnalysisRunner::measure);
        return;
    }
    QStringList why;
    for (const MetricRun &run : std::as_const(m_runs)) {
        if (run.verdict() == AnalysisVerdict::Failed || run.verdict() == AnalysisVerdict::Inconclusive)
            why.append(run.sentence());
    }
    m_finished = true;
    Q_EMIT finished(verdict, why.join(QStringLiteral("; ")));
}

} // namespace Lucent::Core::Release
