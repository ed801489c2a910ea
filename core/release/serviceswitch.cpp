#include "core/release/serviceswitch.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/labelselector.h"
#include "core/kube/resourcetype.h"
#include "core/release/servicestatus.h"
#include "core/release/writesafety.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace Lucent::Core::Release {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::ServiceSwitch", text);
}

QJsonObject test(const QString &path, const QString &value)
{
    return {{QStringLiteral("op"), QStringLiteral("test")},
            {QStringLiteral("path"), path},
            {QStringLiteral("value"), value}};
}

bool isReady(const QJsonObject &pod)
{
    if (pod.value(QLatin1String("metadata")).toObject().contains(QLatin1String("deletionTimestamp")))
        return false;
    for (const auto &condition :
         pod.value(QLatin1String("status")).toObject().value(QLatin1String("conditions")).toArray()) {
        const QJsonObject c = condition.toObject();
        if (c.value(QLatin1String("type")).toString() == QLatin1String("Ready"))
            return c.value(QLatin1String("status")).toString() == QLatin1String("True");
    }
    return false;
}

QStringList sorted(const QSet<QString> &names)
{
    QStringList list(names.cbegin(), names.cend());
    list.sort();
    return list;
}

} // namespace

bool endpointsMatch(const QJsonObject &endpoints, const QSet<QString> &readyPods, QString *mismatch)
{
    QSet<QString> served;
    for (const auto &subset : endpoints.value(QLatin1String("subsets")).toArray()) {
        for (const auto &address : subset.toObject().value(QLatin1String("addresses")).toArray())
            served.insert(address.toObject()
                              .value(QLatin1String("targetRef"))
                              .toObject()
                              .value(QLatin1String("name"))
                              .toString());
    }
    if (!served.isEmpty() && served == readyPods)
        return true;
    if (mismatch) {
        *mismatch = served.isEmpty()
            ? tr("its Endpoints hold no ready address")
            : tr("its Endpoints hold %1, the new colour's ready pods are %2")
                  .arg(sorted(served).join(QStringLiteral(", ")), sorted(readyPods).join(QStringLiteral(", ")));
    }
    return false;
}

ServiceSwitch::ServiceSwitch(Kube::KubeClient *client, QString namespaceName, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(100); // the endpoints controller follows a selector within moments
    connect(&m_retry, &QTimer::timeout, this, &ServiceSwitch::verify);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(false,
               tr("service/%1 was switched to %2, but %3 after %4 s; check its pods and Endpoints.")
                   .arg(m_service, m_to, m_lastMismatch)
                   .arg(m_deadline.interval() / 1000));
    });
}

void ServiceSwitch::run(const QString &service, const QString &from, const QString &to, const QString &resourceVersion,
                        int verifyTimeoutMs, const QString &lastApplied)
{
    m_service = service;
    m_from = from;
    m_to = to;
    m_switched = false;
    m_deadline.setInterval(verifyTimeoutMs);
    QJsonArray patch{test(QStringLiteral("/metadata/resourceVersion"), resourceVersion),
                     test(QStringLiteral("/spec/selector/color"), from),
                     QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                                 {QStringLiteral("path"), QStringLiteral("/spec/selector/color")},
                                 {QStringLiteral("value"), to}}};
    if (const QJsonObject forget = lastAppliedWithoutColour(lastApplied); !forget.isEmpty())
        patch.append(forget);
    Kube::KubeReply *reply
        = m_client->patch(Kube::ResourceType::services(), m_namespace, service, Kube::PatchType::Json,
                          QJsonDocument(patch).toJson(QJsonDocument::Compact), {}, promotionFieldManager());
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, resourceVersion] {
        const Kube::ApiError &error = reply->error();
        if (error.httpStatus == 422 || error.isConflict()) {
            finish(false,
                   tr("service/%1 changed after the plan read it (resourceVersion %2); nothing was "
                      "switched. Review the change and plan again.")
                       .arg(m_service, resourceVersion));
            return;
        }
        if (error.isError()) {
            finish(false, tr("service/%1 was not switched: %2").arg(m_service, error.sentence()));
            return;
        }
        m_switched = true;
        m_resourceVersion = reply->json()
                                .value(QLatin1String("metadata"))
                                .toObject()
                                .value(QLatin1String("resourceVersion"))
                                .toString();
        m_deadline.start();
        verify();
    });
}

void ServiceSwitch::verify()
{
    if (!m_client)
        return;
    Kube::KubeReply *service = m_client->get(Kube::ResourceType::services(), m_namespace, m_service);
    connect(service, &Kube::KubeReply::finished, this, [this, service] {
        if (service->error().isError()) {
            m_lastMismatch = service->error().sentence();
            m_retry.start();
            return;
        }
        QJsonObject selector = baseSelector(service->json());
        selector.insert(QStringLiteral("color"), m_to);
        Kube::ListOptions options;
        options.labelSelector = Kube::selectorText(selector);
        Kube::KubeReply *pods = m_client->list(Kube::ResourceType::pods(), m_namespace, options);
        connect(pods, &Kube::KubeReply::finished, this, [this, pods] {
            if (pods->error().isError()) {
                m_lastMismatch = pods->error().sentence();
                m_retry.start();
                return;
            }
            QSet<QString> ready;
            for (const auto &item : pods->json().value(QLatin1String("items")).toArray()) {
                if (isReady(item.toObject()))
                    ready.insert(item.toObject()
                                     .value(QLatin1String("metadata"))
                                     .toObject()
                                     .value(QLatin1String("name"))
                                     .toString());
            }
            Kube::KubeReply *endpoints = m_client->get(Kube::ResourceType::endpoints(), m_namespace, m_service);
            connect(endpoints, &Kube::KubeReply::finished, this, [this, endpoints, ready] {
                const Kube::ApiError &error = endpoints->error();
                if (!error.isError() && endpointsMatch(endpoints->json(), ready, &m_lastMismatch)) {
                    finish(true,
                           tr("service/%1 switched from %2 to %3; its Endpoints hold the %3 pods only.")
                               .arg(m_service, m_from, m_to));
                    return;
                }
                if (error.isError())
                    m_lastMismatch = error.sentence();
                m_retry.start();
            });
        });
    });
}

void ServiceSwitch::finish(bool ok, const QString &sentence)
{
    m_retry.stop();
    m_deadline.stop();
    Q_EMIT finished(ok, m_switched, sentence);
}

} // namespace Lucent::Core::Release
