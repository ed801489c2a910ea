#pragma once

// What the promotion tests share: objects read with kubectl, quick engine options, running an
// engine to its end, and the setup and cleanup that let each test function stand alone.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"

#include "core/release/promotionengine.h"
#include "core/release/promotionplan.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

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

/// @p resource's objects in @p ns; when kubectl fails, none, and what it said in @p error.
inline QList<QJsonObject> listed(const SandboxProcess &sandbox, const QString &ns, const char *resource,
                                 QString *error = nullptr)
{
    QList<QJsonObject> list;
    const auto r
        = sandbox.kubectl(QStringList{QStringLiteral("-n"), ns, QStringLiteral("get"), QString::fromLatin1(resource),
                                      QStringLiteral("-o"), QStringLiteral("json")});
    if (r.exitCode != 0 && error)
        *error = QStringLiteral("kubectl get %1 in %2: exit %3 %4")
                     .arg(QLatin1String(resource), ns)
                     .arg(r.exitCode)
                     .arg(r.errText().trimmed());
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

/// Runs kubectl against @p sandbox: empty when it succeeded, else the command and what it said.
/// For setup and cleanup steps, whose every result a test checks.
inline QString kubectlFailure(const SandboxProcess &sandbox, const QStringList &arguments, const QByteArray &input = {},
                              int timeoutMs = 60000)
{
    const CommandResult r = sandbox.kubectl(arguments, timeoutMs, input);
    if (r.exitCode == 0)
        return {};
    return QStringLiteral("kubectl %1: %2 %3")
        .arg(arguments.join(QLatin1Char(' ')),
             r.exitCode < 0 ? QStringLiteral("did not finish") : QStringLiteral("exit %1").arg(r.exitCode),
             r.errText().trimmed());
}

/// Creates the standby Deployments of @p images as a plan makes them (each the other colour's,
/// with its labels and replicas), once the active colours are rolled out, and waits until every
/// standby is (they start together): the plan, or nothing with @p error.
inline std::optional<Core::Release::PromotionPlan> deployStandbys(const SandboxProcess &sandbox,
                                                                  const QString &environment, const QString &ns,
                                                                  const QList<Core::Release::RequestedImage> &images,
                                                                  QString *error)
{
    error->clear();
    const QList<QJsonObject> services = listed(sandbox, ns, "services", error);
    const QList<QJsonObject> deployments = listed(sandbox, ns, "deployments", error);
    if (!error->isEmpty())
        return std::nullopt;
    const auto plan = Core::Release::planPromotion(
        {QStringLiteral("p-setup-%1").arg(QDateTime::currentMSecsSinceEpoch()), environment, ns, images}, services,
        deployments);
    if (!plan.isValid()) {
        *error = QStringLiteral("the plan: %1").arg(plan.problems.join(QLatin1Char(' ')));
        return std::nullopt;
    }
    for (const Core::Release::PlannedService &planned : plan.services) {
        if (!rolledOut(sandbox, ns, planned.activeDeployment)) {
            *error = QStringLiteral("%1 is not rolled out").arg(planned.activeDeployment);
            return std::nullopt;
        }
        *error = kubectlFailure(sandbox, {QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")},
                                QJsonDocument(planned.standby).toJson());
        if (!error->isEmpty())
            return std::nullopt;
    }
    for (const Core::Release::PlannedService &planned : plan.services) {
        if (!rolledOut(sandbox, ns, planned.standbyDeployment)) {
            *error = QStringLiteral("the standby %1 is not rolled out").arg(planned.standbyDeployment);
            return std::nullopt;
        }
    }
    return plan;
}

/// Leaves the services of @p images as a finished promotion leaves them, without running one,
/// for a test of what comes after (a rollback, what an environment serves): the standbys
/// deployed and rolled out, each Service switched to its standby's colour with the annotations
/// a promotion writes, the old colours at 0 replicas, kept for a rollback. Empty when done, else
/// the step that failed.
inline QString promoteByHand(const SandboxProcess &sandbox, const QString &environment, const QString &ns,
                             const QList<Core::Release::RequestedImage> &images)
{
    QString error;
    const auto plan = deployStandbys(sandbox, environment, ns, images, &error);
    if (!plan)
        return error;
    for (const Core::Release::PlannedService &planned : plan->services) {
        QJsonObject patch = QJsonDocument::fromJson(Core::Release::promotedServicePatch(
                                                        planned, plan->request.promotionId,
                                                        QDateTime::currentDateTimeUtc().toString(Qt::ISODate)))
                                .object();
        patch.insert(
            QStringLiteral("spec"),
            QJsonObject{{QStringLiteral("selector"), QJsonObject{{QStringLiteral("color"), planned.standbyColour}}}});
        error = kubectlFailure(sandbox,
                               {QStringLiteral("-n"), ns, QStringLiteral("patch"), QStringLiteral("service"),
                                planned.service, QStringLiteral("--type=merge"), QStringLiteral("-p"),
                                QString::fromUtf8(QJsonDocument(patch).toJson(QJsonDocument::Compact))});
        if (error.isEmpty())
            error = kubectlFailure(sandbox,
                                   {QStringLiteral("-n"), ns, QStringLiteral("scale"), QStringLiteral("deployment"),
                                    planned.activeDeployment, QStringLiteral("--replicas=0")});
        if (!error.isEmpty())
            return error;
    }
    return {};
}

/// A namespace's Deployments, Services and Leases as they were when taken, put back after each
/// test function: so that none relies on what another left (a standby, a switched Service, a
/// Lease held by someone else) and each passes alone. What is compared and put back: a
/// Deployment's replicas, pod template and annotations (not the revision its controller counts),
/// a Service's selector and annotations. What was not there is deleted: standbys, previews, the
/// promotion Lease.
class NamespaceSnapshot
{
public:
    NamespaceSnapshot(const SandboxProcess &sandbox, QString ns)
        : m_sandbox(sandbox)
        , m_namespace(std::move(ns))
    {
    }

    /// Reads the namespace as it is now; false with @p error when it cannot.
    bool take(QString *error)
    {
        const auto objects = read(error);
        if (objects)
            m_objects = *objects;
        return objects.has_value();
    }

    /// Puts the namespace back as taken and waits until each Deployment is rolled out: empty when
    /// it is, else every step that failed and what still differs.
    QString restore() const
    {
        QString error;
        auto now = read(&error);
        if (!now)
            return error;
        QStringList failures;
        // The Deployments first, rolled out before a Service selects them again: no Service is
        // left without a ready pod, not even during a cleanup.
        QStringList restored;
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (kindOf(*it) != QLatin1String("Deployment"))
                continue;
            const QJsonObject current = now->value(it.key());
            if (current.isEmpty()) {
                failures.append(QStringLiteral("%1 was deleted").arg(it.key()));
                continue;
            }
            if (compared(current) == compared(*it))
                continue;
            QJsonObject annotations = compared(*it).value(QLatin1String("annotations")).toObject();
            const QJsonValue revision = at(current, {"metadata", "annotations", RevisionAnnotation});
            if (revision.isString())
                annotations.insert(QLatin1String(RevisionAnnotation), revision);
            failures += patch(it.key(),
                              {operation("replace", "/spec/replicas", at(*it, {"spec", "replicas"})),
                               operation("replace", "/spec/template", at(*it, {"spec", "template"})),
                               operation("add", "/metadata/annotations", annotations)});
            restored.append(it.key());
        }
        if (!restored.isEmpty()
            && !waitUntil(
                [&restored](const Objects &objects) {
                    return std::all_of(restored.cbegin(), restored.cend(),
                                       [&objects](const QString &key) { return rolledOutNow(objects.value(key)); });
                },
                &*now, &error))
            failures.append(error.isEmpty()
                                ? QStringLiteral("%1 did not roll out").arg(restored.join(QStringLiteral(", ")))
                                : error);
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (kindOf(*it) != QLatin1String("Service"))
                continue;
            const QJsonObject current = now->value(it.key());
            if (current.isEmpty()) {
                failures.append(QStringLiteral("%1 was deleted").arg(it.key()));
                continue;
            }
            if (compared(current) == compared(*it))
                continue;
            const QJsonObject annotations = compared(*it).value(QLatin1String("annotations")).toObject();
            failures += patch(it.key(),
                              {operation("add", "/spec/selector", at(*it, {"spec", "selector"})),
                               operation("add", "/metadata/annotations", annotations)});
        }
        QStringList extra; // kind/name, all deleted by one kubectl
        for (auto it = now->cbegin(); it != now->cend(); ++it) {
            if (!m_objects.contains(it.key()))
                extra.append(kindOf(*it).toLower() + QLatin1Char('/') + at(*it, {"metadata", "name"}).toString());
        }
        if (!extra.isEmpty()) {
            const QString failure = kubectlFailure(
                m_sandbox,
                QStringList{QStringLiteral("-n"), m_namespace, QStringLiteral("delete"), QStringLiteral("--wait=false")}
                    + extra);
            if (!failure.isEmpty())
                failures.append(failure);
        }
        // Checked, not assumed: read again until the namespace is as taken and settled.
        if (!waitUntil([this](const Objects &objects) { return differences(objects).isEmpty(); }, &*now, &error))
            failures.append(error.isEmpty() ? differences(*now).join(QStringLiteral("; ")) : error);
        return failures.join(QLatin1Char('\n'));
    }

private:
    using Objects = QHash<QString, QJsonObject>; ///< by "Kind/name"
    static constexpr char RevisionAnnotation[] = "deployment.kubernetes.io/revision";

    static QJsonValue at(const QJsonObject &object, std::initializer_list<const char *> path)
    {
        QJsonValue value = object;
        for (const char *key : path)
            value = value.toObject().value(QLatin1String(key));
        return value;
    }

    static QString kindOf(const QJsonObject &object) { return object.value(QLatin1String("kind")).toString(); }

    /// What a test may change and a cleanup puts back.
    static QJsonObject compared(const QJsonObject &object)
    {
        QJsonObject annotations = at(object, {"metadata", "annotations"}).toObject();
        if (kindOf(object) == QLatin1String("Deployment")) {
            annotations.remove(QLatin1String(RevisionAnnotation));
            return {{QStringLiteral("replicas"), at(object, {"spec", "replicas"})},
                    {QStringLiteral("template"), at(object, {"spec", "template"})},
                    {QStringLiteral("annotations"), annotations}};
        }
        if (kindOf(object) == QLatin1String("Service"))
            return {{QStringLiteral("selector"), at(object, {"spec", "selector"})},
                    {QStringLiteral("annotations"), annotations}};
        return {};
    }

    /// As kubectl rollout status judges it: the controller saw the spec, and every replica is
    /// updated and available, none of an older template left.
    static bool rolledOutNow(const QJsonObject &deployment)
    {
        const auto count = [&deployment](const char *field) { return at(deployment, {"status", field}).toInt(); };
        const int replicas = at(deployment, {"spec", "replicas"}).toInt();
        return at(deployment, {"status", "observedGeneration"}).toInteger()
            >= at(deployment, {"metadata", "generation"}).toInteger()
            && count("updatedReplicas") == replicas && count("replicas") == replicas
            && count("availableReplicas") == replicas;
    }

    static QJsonObject operation(const char *op, const char *path, const QJsonValue &value)
    {
        return {{QStringLiteral("op"), QLatin1String(op)},
                {QStringLiteral("path"), QLatin1String(path)},
                {QStringLiteral("value"), value}};
    }

    QStringList patch(const QString &key, const QJsonArray &operations) const
    {
        const QString failure = kubectlFailure(
            m_sandbox,
            {QStringLiteral("-n"), m_namespace, QStringLiteral("patch"), key.section(QLatin1Char('/'), 0, 0).toLower(),
             key.section(QLatin1Char('/'), 1), QStringLiteral("--type=json"), QStringLiteral("-p"),
             QString::fromUtf8(QJsonDocument(operations).toJson(QJsonDocument::Compact))});
        return failure.isEmpty() ? QStringList() : QStringList{failure};
    }

    std::optional<Objects> read(QString *error) const
    {
        const CommandResult r = m_sandbox.kubectl({QStringLiteral("-n"), m_namespace, QStringLiteral("get"),
                                                   QStringLiteral("deployments,services,leases"), QStringLiteral("-o"),
                                                   QStringLiteral("json")});
        if (r.exitCode != 0 || !r.json().isObject()) {
            *error = QStringLiteral("kubectl get in %1: exit %2 %3").arg(m_namespace).arg(r.exitCode).arg(r.errText());
            return std::nullopt;
        }
        Objects objects;
        for (const auto &item : r.json()[QLatin1String("items")].toArray()) {
            const QJsonObject object = item.toObject();
            objects.insert(kindOf(object) + QLatin1Char('/') + at(object, {"metadata", "name"}).toString(), object);
        }
        return objects;
    }

    /// What differs in @p objects from the snapshot, and each Deployment not yet rolled out.
    QStringList differences(const Objects &objects) const
    {
        QStringList found;
        for (auto it = objects.cbegin(); it != objects.cend(); ++it) {
            if (!m_objects.contains(it.key()))
                found.append(QStringLiteral("%1 is left").arg(it.key()));
            else if (compared(*it) != compared(m_objects.value(it.key())))
                found.append(QStringLiteral("%1 is changed").arg(it.key()));
            else if (kindOf(*it) == QLatin1String("Deployment") && !rolledOutNow(*it))
                found.append(QStringLiteral("%1 is not rolled out").arg(it.key()));
        }
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (!objects.contains(it.key()))
                found.append(QStringLiteral("%1 is gone").arg(it.key()));
        }
        found.sort();
        return found;
    }

    /// Reads the namespace until @p done says so (90 s at most), the last read in @p last.
    bool waitUntil(const std::function<bool(const Objects &)> &done, Objects *last, QString *error) const
    {
        error->clear();
        return QTest::qWaitFor(
            [&] {
                auto objects = read(error);
                if (!objects)
                    return false;
                error->clear(); // a read that failed once and then worked is no failure
                *last = std::move(*objects);
                return done(*last);
            },
            90000);
    }

    const SandboxProcess &m_sandbox;
    QString m_namespace;
    Objects m_objects;
};

} // namespace Lucent::Tests
