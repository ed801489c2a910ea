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

#include <memory>

namespace Lucent::Tests {

/// Samples a Service's Endpoints 200 ms after the previous sample was answered: each sample's
/// ready pods must be one or more, all of one colour (read from the pods' labels).
///
/// Watchers use their own client (a copy of @p client's connection), and one request at a time:
/// a slow server (a loaded host, a sanitizer build) must slow the sampling, never build a backlog
/// in the client that the promotion under test shares. Before, six samplers and six probers
/// queued 120 requests a second on the engine's own client, and a switch's verification waited
/// behind them for 30 s.
class InvariantSampler : public QObject
{
public:
    InvariantSampler(Lucent::Core::Kube::KubeClient *client, QString ns, QString service)
        : m_client(std::make_unique<Lucent::Core::Kube::KubeClient>(client->connection()))
        , m_namespace(std::move(ns))
        , m_service(std::move(service))
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(200);
        connect(&m_timer, &QTimer::timeout, this, &InvariantSampler::sample);
        m_timer.start();
    }
    int samples = 0;
    QStringList violations;

private:
    void sample()
    {
        // A reply lives until its finished() returns: read each in its own handler.
        auto *endpoints = m_client->get(Lucent::Core::Kube::ResourceType::endpoints(), m_namespace, m_service);
        connect(endpoints, &Lucent::Core::Kube::KubeReply::finished, this, [this, endpoints] {
            if (endpoints->error().isError()) {
                m_timer.start(); // a sample the server did not answer proves nothing either way
                return;
            }
            const QJsonObject served = endpoints->json();
            auto *pods = m_client->list(Lucent::Core::Kube::ResourceType::pods(), m_namespace, {});
            connect(pods, &Lucent::Core::Kube::KubeReply::finished, this, [this, pods, served] {
                if (!pods->error().isError())
                    judge(served, pods->json());
                m_timer.start();
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
                // A pod deleted between the two reads has no colour left to judge: the address
                // still counts as ready (it was), its colour is unknown rather than a second one.
                const auto pod
                    = colour.constFind(address[QLatin1String("targetRef")][QLatin1String("name")].toString());
                if (pod != colour.cend())
                    colours.insert(*pod);
            }
        }
        ++samples;
        if (ready == 0 || colours.size() > 1)
            violations.append(QStringLiteral("sample %1: %2 ready, colours %3")
                                  .arg(samples)
                                  .arg(ready)
                                  .arg(QStringList(colours.cbegin(), colours.cend()).join(QLatin1Char(','))));
    }

    std::unique_ptr<Lucent::Core::Kube::KubeClient> m_client;
    QString m_namespace;
    QString m_service;
    QTimer m_timer;
};

/// Probes a Service through the API server's service proxy, GET /health 100 ms after the
/// previous probe was answered: what a client of the Service sees. Every failed probe is kept.
/// Its own client, one request at a time, as InvariantSampler says why.
class ServiceProber : public QObject
{
public:
    ServiceProber(Lucent::Core::Kube::KubeClient *client, QString ns, QString service)
        : m_client(std::make_unique<Lucent::Core::Kube::KubeClient>(client->connection()))
        , m_namespace(std::move(ns))
        , m_service(std::move(service))
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(100);
        connect(&m_timer, &QTimer::timeout, this, &ServiceProber::probe);
        m_timer.start();
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
            m_timer.start();
        });
    }

    std::unique_ptr<Lucent::Core::Kube::KubeClient> m_client;
    QString m_namespace;
    QString m_service;
    QTimer m_timer;
};

} // namespace Lucent::Tests
