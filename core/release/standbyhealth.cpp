#include "core/release/standbyhealth.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/labelselector.h"
#include "core/kube/resourcetype.h"

#include <QJsonArray>
#include <QTimer>

#include <memory>

namespace Lucent::Core::Release {

StandbyHealthCheck::StandbyHealthCheck(Kube::KubeClient *client, QString namespaceName, Limits limits, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_limits(limits)
{
}

void StandbyHealthCheck::run(const QList<PlannedService> &services)
{
    m_clock.start();
    m_cancelled = false;
    auto pending = std::make_shared<int>(int(services.size()));
    auto problems = std::make_shared<QStringList>();
    for (const PlannedService &planned : services) {
        checkService(planned, [this, pending, problems](bool ok, const QString &problem) {
            if (!ok)
                problems->append(problem);
            if (--*pending > 0 || m_cancelled)
                return;
            Q_EMIT finished(problems->isEmpty(), problems->join(QLatin1Char(' ')));
        });
    }
}

void StandbyHealthCheck::checkService(const PlannedService &planned, const Done &done)
{
    Kube::ListOptions options;
    options.labelSelector = Kube::selectorText(planned.standby.value(QLatin1String("spec"))
                                                   .toObject()
                                                   .value(QLatin1String("selector"))
                                                   .toObject()
                                                   .value(QLatin1String("matchLabels"))
                                                   .toObject());
    Kube::KubeReply *pods = m_client->list(Kube::ResourceType::pods(), m_namespace, options);
    connect(pods, &Kube::KubeReply::finished, this, [this, pods, planned, done] {
        if (pods->error().isError()) {
            done(false,
                 tr("The pods of deployment/%1 could not be listed: %2")
                     .arg(planned.standbyDeployment, pods->error().sentence()));
            return;
        }
        QStringList names;
        for (const auto &item : pods->json().value(QLatin1String("items")).toArray()) {
            const QJsonObject meta = item.toObject().value(QLatin1String("metadata")).toObject();
            if (!meta.contains(QLatin1String("deletionTimestamp")))
                names.append(meta.value(QLatin1String("name")).toString());
        }
        if (names.isEmpty()) {
            done(false, tr("deployment/%1 has no pods to check.").arg(planned.standbyDeployment));
            return;
        }
        auto left = std::make_shared<int>(int(names.size()));
        auto failures = std::make_shared<QStringList>();
        for (const QString &pod : std::as_const(names)) {
            probePod(planned, pod, 0, [this, left, failures, planned, done](bool ok, const QString &why) {
                if (!ok)
                    failures->append(why);
                if (--*left > 0)
                    return;
                if (failures->isEmpty())
                    Q_EMIT progress(tr("Every pod of deployment/%1 answered %2 on port %3, %4 times in a row.")
                                        .arg(planned.standbyDeployment, planned.healthPath, planned.healthPort)
                                        .arg(m_limits.successes));
                done(failures->isEmpty(), failures->join(QLatin1Char(' ')));
            });
        }
    });
}

void StandbyHealthCheck::probePod(const PlannedService &planned, const QString &pod, int successes, const Done &done)
{
    if (m_cancelled || !m_client)
        return;
    Kube::KubeReply *reply
        = m_client->proxyGet(Kube::ResourceType::pods(), m_namespace, pod, planned.healthPort, planned.healthPath);
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, planned, pod, successes, done] {
        const bool ok = !reply->error().isError();
        const int inARow = ok ? successes + 1 : 0;
        if (inARow >= m_limits.successes) {
            done(true, {});
            return;
        }
        if (m_clock.elapsed() > qint64(m_limits.timeoutSeconds) * 1000) {
            done(false,
                 tr("pod/%1 did not answer GET %2 on port %3 %4 times in a row within %5 s (last: %6).")
                     .arg(pod, planned.healthPath, planned.healthPort)
                     .arg(m_limits.successes)
                     .arg(m_limits.timeoutSeconds)
                     .arg(ok ? tr("OK") : reply->error().sentence()));
            return;
        }
        QTimer::singleShot(m_limits.pollMs, this,
                           [this, planned, pod, inARow, done] { probePod(planned, pod, inARow, done); });
    });
}

} // namespace Lucent::Core::Release
