#pragma once

// What a client of a Service sees during a promotion, sampled for the tests: its Endpoints
// (the invariant: one or more ready pods, all of one colour) and its answers through the API
// server's service proxy.

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace Lucent::Tests {

/// Samples a Service's Endpoints every 200 ms: each sample's ready pods must be one or more,
/// all of one colour (read from the pods' labels).
class InvariantSampler : public QObject
{
public:
    InvariantSampler(Lucent::Core::Kube::KubeClient *client, QString ns, QString service)
        : m_client(client)
        , m_namespace(std::move(ns))
        , m_service(std::move(service))
    {
        connect(&m_timer, &QTimer::timeout, this, &InvariantSampler::sample);
        m_timer.start(200);
    }
    int samples = 0;
    QStringList violations;

private:
    void sample()
    {
        // A reply lives until its finished() returns: read each in its own handler.
        auto *endpoints = m_client->get(Lucent::Core::Kube::ResourceType::endpoints(), m_namespace, m_service);
        connect(endpoints, &Lucent::Core::Kube::KubeReply::finished, this, [this, endpoints] {
            if (endpoints->error().isError())
                return; // a sample the server did not answer proves nothing either way
            const QJsonObject served = endpoints->json();
            auto *pods = m_client->list(Lucent::Core::Kube::ResourceType::pods(), m_namespace, {});
            connect(pods, &Lucent::Core::Kube::KubeReply::finished, this, [this, pods, served] {
                if (!pods->error().isError())
                    judge(served, pods->json());
            });
        });
    }

    void judge(const QJsonObject &endpoints, const QJsonObject &pods)
    {
        QHash<QString, QString> colour;
        for (const auto &item : pods[QLatin1String("items")].toArray())
            colour.insert(item[QLatin1String("metadata")][QLatin1String("name")].toString(),
                          item[QLatin1String("metadata")][QLatin1String("labels")][QLatin1String("color")].toString());
        QSet<QString> colours;
        int ready = 0;
        for (const auto &subset : endpoints[QLatin1String("subsets")].toArray()) {
            for (const auto &address : subset[QLatin1String("addresses")].toArray()) {
                ++ready;
                colours.insert(colour.value(address[QLatin1String("targetRef")][QLatin1String("name")].toString()));
            }
        }
        ++samples;
        if (ready == 0 || colours.size() != 1)
            violations.append(QStringLiteral("sample %1: %2 ready, colours %3")
                                  .arg(samples)
                                  .arg(ready)
                                  .arg(QStringList(colours.cbegin(), colours.cend()).join(QLatin1Char(','))));
    }

    Lucent::Core::Kube::KubeClient *m_client;
    QString m_namespace;
    QString m_service;
    QTimer m_timer;
};

/// Probes a Service through the API server's service proxy, GET /health ten times a second:
/// what a client of the Service sees. Every failed probe is kept.
class ServiceProber : public QObject
{
public:
    ServiceProber(Lucent::Core::Kube::KubeClient *client, QString ns, QString service)
        : m_client(client)
        , m_namespace(std::move(ns))
        , m_service(std::move(service))
    {
        connect(&m_timer, &QTimer::timeout, this, &ServiceProber::probe);
        m_timer.start(100);
    }
    int probes = 0;
    QStringList failures;

private:
    void probe()
    {
        auto *reply = m_client->proxyGet(Lucent::Core::Kube::ResourceType::services(), m_namespace, m_service, {},
                                         QStringLiteral("/health"));
        connect(reply, &Lucent::Core::Kube::KubeReply::finished, this, [this, reply] {
            ++probes;
            if (reply->error().isError())
                failures.append(reply->error().sentence());
        });
    }

    Lucent::Core::Kube::KubeClient *m_client;
    QString m_namespace;
    QString m_service;
    QTimer m_timer;
};

} // namespace Lucent::Tests
