#include "core/release/promotionpreflight.h"

#include "core/kube/accessreview.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "core/release/rolloutsummary.h"

#include <QRegularExpression>

namespace Lucent::Core::Release {

QString firingAlertsQuery(const QString &namespaceName, const QStringList &services)
{
    // Regular-expression escapes, then the PromQL string's own escaping of the backslashes.
    QStringList escaped;
    for (const QString &service : services)
        escaped.append(QRegularExpression::escape(service).replace(QLatin1Char('\\'), QStringLiteral("\\\\")));
    return QStringLiteral("ALERTS{alertstate=\"firing\",namespace=\"%1\",app=~\"%2\"}")
        .arg(namespaceName, escaped.join(QLatin1Char('|')));
}

QStringList firingAlertNames(const Prometheus::QueryResult &result)
{
    QStringList names;
    for (const Prometheus::Series &series : result.series)
        names.append(
            QStringLiteral("%1 on %2")
                .arg(series.labels.value(QStringLiteral("alertname")), series.labels.value(QStringLiteral("app"))));
    return names;
}

PromotionPreflight::PromotionPreflight(Kube::KubeClient *client, Prometheus::PrometheusClient *prometheus,
                                       PromotionPlan plan, Checks checks, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_prometheus(prometheus)
    , m_plan(std::move(plan))
    , m_checks(std::move(checks))
{
}

void PromotionPreflight::run()
{
    checkAccess();
}

bool PromotionPreflight::failed(Check check, Verdict verdict, const QString &sentence)
{
    Q_EMIT checked(check, false, sentence);
    if (m_verdict == Verdict::Passed) {
        m_verdict = verdict;
        m_failure = tr("Nothing was changed. %1").arg(sentence);
    }
    if (m_checks.all)
        return false;
    done();
    return true;
}

void PromotionPreflight::passed(Check check, const QString &sentence)
{
    Q_EMIT checked(check, true, sentence);
}

void PromotionPreflight::done()
{
    Q_EMIT finished(m_verdict, m_verdict == Verdict::Passed ? QString() : m_failure);
}

void PromotionPreflight::checkAccess()
{
    const QString ns = m_plan.request.namespaceName;
    const QString apps = QStringLiteral("apps");
    const QString coordination = QStringLiteral("coordination.k8s.io");
    const QList<Kube::AccessQuery> queries{
        {QStringLiteral("create"), apps, QStringLiteral("deployments"), {}, ns, {}},
        {QStringLiteral("update"), apps, QStringLiteral("deployments"), {}, ns, {}},
        {QStringLiteral("update"), apps, QStringLiteral("deployments"), QStringLiteral("scale"), ns, {}},
        {QStringLiteral("patch"), {}, QStringLiteral("services"), {}, ns, {}},
        {QStringLiteral("create"), coordination, QStringLiteral("leases"), {}, ns, {}},
        {QStringLiteral("update"), coordination, QStringLiteral("leases"), {}, ns, {}},
        {QStringLiteral("list"), {}, QStringLiteral("pods"), {}, ns, {}},
        {QStringLiteral("get"), {}, QStringLiteral("endpoints"), {}, ns, {}},
        {QStringLiteral("get"), {}, QStringLiteral("pods"), QStringLiteral("proxy"), ns, {}},
    };
    auto pending = std::make_shared<int>(int(queries.size()));
    auto denied = std::make_shared<QStringList>();
    for (const Kube::AccessQuery &query : queries) {
        Kube::KubeReply *reply = m_client->accessReview(query);
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, query, pending, denied] {
            const auto decision = Kube::KubeClient::accessDecision(reply->json());
            // An unanswered review is not a denial: the requests go, and the server decides.
            if (!reply->error().isError() && decision && !decision->allowed)
                denied->append(Kube::deniedSentence(m_checks.user, query, *decision));
            if (--*pending > 0)
                return;
            if (!denied->isEmpty() && failed(Check::Access, Verdict::Forbidden, denied->join(QLatin1Char(' '))))
                return;
            if (denied->isEmpty())
                passed(Check::Access,
                       tr("%1 may change Deployments, Services and the promotion Lease in %2.")
                           .arg(m_checks.user, m_plan.request.namespaceName));
            checkRollouts();
        });
    }
}

void PromotionPreflight::checkRollouts()
{
    if (!m_checks.activeRollouts) {
        checkAlerts();
        return;
    }
    if (m_plan.services.isEmpty()) {
        passed(Check::ActiveRollouts, tr("No service to check."));
        checkAlerts();
        return;
    }
    auto pending = std::make_shared<int>(int(m_plan.services.size()));
    auto problems = std::make_shared<QStringList>();
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        Kube::KubeReply *reply
            = m_client->get(Kube::ResourceType::deployments(), m_plan.request.namespaceName, planned.activeDeployment);
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, pending, problems, planned] {
            if (reply->error().isError()) {
                problems->append(
                    tr("deployment/%1 could not be read: %2").arg(planned.activeDeployment, reply->error().sentence()));
            } else {
                const RolloutSummary summary = summarizeDeployment(reply->json());
                if (summary.state != RolloutState::Complete || summary.ready < summary.desired)
                    problems->append(
                        tr("deployment/%1, the active colour of %2, is not Complete (%3, %4/%5 ready); "
                           "let its rollout finish or undo it first.")
                            .arg(planned.activeDeployment, planned.service, rolloutStateName(summary.state))
                            .arg(summary.ready)
                            .arg(summary.desired));
            }
            if (--*pending > 0)
                return;
            if (!problems->isEmpty()
                && failed(Check::ActiveRollouts, Verdict::Refused, problems->join(QLatin1Char(' '))))
                return;
            if (problems->isEmpty())
                passed(Check::ActiveRollouts, tr("Every active colour is Complete, all replicas ready."));
            checkAlerts();
        });
    }
}

void PromotionPreflight::checkAlerts()
{
    if (!m_checks.analysis) {
        Q_EMIT progress(tr("Analysis switched off for this promotion: no metric and no alert is checked."));
        passed(Check::Prometheus, tr("Not needed: the analysis is off (recorded)."));
        passed(Check::Alerts, tr("Not checked: the analysis is off."));
        done();
        return;
    }
    if (!m_prometheus) {
        if (!failed(Check::Prometheus, Verdict::Refused,
                    tr("The analysis needs a Prometheus and %1 names none: add one to the environment in "
                       "lucent.yaml, or switch the analysis off (--analysis none), which is recorded.")
                        .arg(m_plan.request.environment)))
            done();
        return;
    }
    QStringList services;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        services.append(planned.service);
    Prometheus::PrometheusReply *reply = m_prometheus->query(firingAlertsQuery(m_plan.request.namespaceName, services));
    connect(reply, &Prometheus::PrometheusReply::finished, this, [this, reply] {
        Prometheus::PrometheusError error = reply->error();
        std::optional<Prometheus::QueryResult> result;
        if (!error.isError())
            result = Prometheus::PrometheusResponse::query(reply->body(), reply->httpStatus(), &error);
        if (!result) {
            if (!failed(Check::Prometheus, Verdict::Refused,
                        tr("Prometheus did not answer (%1); the analysis needs it. Fix it, or switch the analysis "
                           "off (--analysis none), which is recorded.")
                            .arg(error.sentence())))
                done();
            return;
        }
        passed(Check::Prometheus, tr("Prometheus answers."));
        const QStringList firing = firingAlertNames(*result);
        if (firing.isEmpty()) {
            Q_EMIT progress(tr("Prometheus answers, and no alert of these services is firing."));
            passed(Check::Alerts, tr("No alert of these services is firing."));
        } else if (m_checks.alertsAcknowledged) {
            Q_EMIT progress(tr("Firing, and acknowledged: %1.").arg(firing.join(QStringLiteral(", "))));
            Q_EMIT acknowledged(firing.join(QStringLiteral(", ")));
            passed(Check::Alerts,
                   tr("Firing, and acknowledged (recorded): %1.").arg(firing.join(QStringLiteral(", "))));
        } else if (failed(Check::Alerts, Verdict::Refused,
                          tr("Alerts of these services are firing: %1. Look at them first; to promote anyway, "
                             "acknowledge them (--acknowledge-alerts), which is recorded.")
                              .arg(firing.join(QStringLiteral(", "))))) {
            return;
        }
        done();
    });
}

} // namespace Lucent::Core::Release
