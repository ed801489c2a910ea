#pragma once

// What the promotion tests share: objects read with kubectl, quick engine options, and running
// an engine to its end.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"

#include "core/release/promotionengine.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>

#include <functional>
#include <memory>

namespace Lucent::Tests {

/// A client of @p sandbox's @p environment (its project file's context); null with @p error.
inline std::unique_ptr<Core::Kube::KubeClient> environmentClient(const SandboxProcess &sandbox,
                                                                 const QString &environment, QString *error)
{
    const auto project = Core::Environment::ProjectConfig::load(sandbox.projectFile());
    const auto *found = project.environment(environment);
    if (!found) {
        *error = QStringLiteral("the project file names no environment %1").arg(environment);
        return nullptr;
    }
    const auto connection = connectionFor(sandbox.kubeconfig(), found->context, {}, error);
    return connection ? std::make_unique<Core::Kube::KubeClient>(*connection) : nullptr;
}

inline QList<QJsonObject> listed(const SandboxProcess &sandbox, const QString &ns, const char *resource)
{
    QList<QJsonObject> list;
    const auto r
        = sandbox.kubectl(QStringList{QStringLiteral("-n"), ns, QStringLiteral("get"), QString::fromLatin1(resource),
                                      QStringLiteral("-o"), QStringLiteral("json")});
    for (const auto &item : r.json()[QLatin1String("items")].toArray())
        list.append(item.toObject());
    return list;
}

inline QJsonObject fetched(const SandboxProcess &sandbox, const QString &ns, const char *resource, const QString &name)
{
    const auto r
        = sandbox.kubectl(QStringList{QStringLiteral("-n"), ns, QStringLiteral("get"), QString::fromLatin1(resource),
                                      name, QStringLiteral("-o"), QStringLiteral("json")});
    return r.exitCode == 0 ? r.json().object() : QJsonObject();
}

/// Waits until @p deployment's rollout is complete, as kubectl judges it.
inline bool rolledOut(const SandboxProcess &sandbox, const QString &ns, const QString &deployment)
{
    const auto r
        = sandbox.kubectl(QStringList{QStringLiteral("-n"), ns, QStringLiteral("rollout"), QStringLiteral("status"),
                                      QStringLiteral("--timeout=60s"), QStringLiteral("deploy/") + deployment},
                          70000);
    return r.exitCode == 0;
}

inline QString selectorColour(const QJsonObject &service)
{
    return service[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString();
}

inline int specReplicas(const QJsonObject &deployment)
{
    return deployment[QLatin1String("spec")][QLatin1String("replicas")].toInt();
}

/// Short windows, for a sandbox running at --speed 20.
inline Core::Release::PromotionOptions quickPromotionOptions(const QString &identity, int monitorSeconds = 2)
{
    Core::Release::PromotionOptions options;
    options.identity = identity;
    options.monitorSeconds = monitorSeconds;
    options.scaleDownDelaySeconds = 1;
    options.readyTimeoutSeconds = 90;
    options.pollMs = 200;
    return options;
}

/// Starts @p engine (with @p start, else start()) and waits for its end (two minutes at most);
/// the outcome and sentence, with its progress lines logged and kept in @p progress.
inline std::pair<Core::Release::PromotionOutcome, QString> runPromotion(Core::Release::PromotionEngine &engine,
                                                                        QStringList *progress = nullptr,
                                                                        const std::function<void()> &start = {})
{
    QObject::connect(&engine, &Core::Release::PromotionEngine::progress, &engine, [progress](const QString &line) {
        qInfo("  %s", qPrintable(line));
        if (progress)
            progress->append(line);
    });
    QSignalSpy finished(&engine, &Core::Release::PromotionEngine::finished);
    if (start)
        start();
    else
        engine.start();
    if (!finished.wait(120000))
        return {Core::Release::PromotionOutcome::Inconsistent, QStringLiteral("the promotion did not end in 120 s")};
    return {finished.constFirst().at(0).value<Core::Release::PromotionOutcome>(),
            finished.constFirst().at(1).toString()};
}

} // namespace Lucent::Tests
