#include "core/release/promotionplan.h"

#include "core/diff/linediff.h"
#include "core/release/servicestatus.h"
#include "core/validation/manifestjson.h"
#include "core/validation/validator.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace Lucent::Core::Release {

namespace {

const QLatin1String colourKey("color");

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::PromotionPlan", text);
}

QString nameOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

QJsonObject findByName(const QList<QJsonObject> &objects, const QString &name)
{
    for (const QJsonObject &object : objects) {
        if (nameOf(object) == name)
            return object;
    }
    return {};
}

/// Sets "color" in the labels object at @p key of @p parent.
void setColour(QJsonObject &parent, const char *key, const QString &colour)
{
    QJsonObject labels = parent.value(QLatin1String(key)).toObject();
    labels.insert(colourKey, colour);
    parent.insert(QLatin1String(key), labels);
}

/// The index of the container to give the new image: the one named @p wanted, else the one
/// named after the service, else the only one; -1 when that is ambiguous or absent.
int containerIndex(const QJsonArray &containers, const QString &wanted, const QString &service)
{
    const QString name = wanted.isEmpty() ? service : wanted;
    for (int i = 0; i < containers.size(); ++i) {
        if (containers[i].toObject().value(QLatin1String("name")).toString() == name)
            return i;
    }
    return wanted.isEmpty() && containers.size() == 1 ? 0 : -1;
}

QStringList containerNames(const QJsonArray &containers)
{
    QStringList names;
    for (const auto &container : containers)
        names.append(container.toObject().value(QLatin1String("name")).toString());
    return names;
}

/// The active Deployment's spec with the standby colour and the new image: the standby's spec.
std::optional<QJsonObject> standbySpec(const QJsonObject &active, const QString &colour, PlannedService &planned,
                                       const RequestedImage &requested, QStringList &problems)
{
    QJsonObject spec = active.value(QLatin1String("spec")).toObject();
    QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
    setColour(selector, "matchLabels", colour);
    spec.insert(QLatin1String("selector"), selector);
    QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    QJsonObject templateMeta = podTemplate.value(QLatin1String("metadata")).toObject();
    setColour(templateMeta, "labels", colour);
    podTemplate.insert(QLatin1String("metadata"), templateMeta);
    QJsonObject podSpec = podTemplate.value(QLatin1String("spec")).toObject();
    QJsonArray containers = podSpec.value(QLatin1String("containers")).toArray();
    const int index = containerIndex(containers, requested.container, requested.service);
    if (index < 0) {
        problems.append(requested.container.isEmpty()
                            ? tr("%1: its pods have several containers (%2) and none is named after the service; "
                                 "say which one takes the image.")
                                  .arg(requested.service, containerNames(containers).join(QStringLiteral(", ")))
                            : tr("%1: its pods have no container named %2 (they have %3).")
                                  .arg(requested.service, requested.container,
                                       containerNames(containers).join(QStringLiteral(", "))));
        return std::nullopt;
    }
    QJsonObject container = containers[index].toObject();
    planned.container = container.value(QLatin1String("name")).toString();
    const HealthTarget health = healthTarget(container);
    planned.healthPort = health.port;
    planned.healthPath = health.path;
    planned.fromImage = container.value(QLatin1String("image")).toString();
    planned.toImage = requested.image;
    container.insert(QLatin1String("image"), requested.image);
    containers[index] = container;
    podSpec.insert(QLatin1String("containers"), containers);
    podTemplate.insert(QLatin1String("spec"), podSpec);
    spec.insert(QLatin1String("template"), podTemplate);
    planned.replicas = spec.contains(QLatin1String("replicas")) ? spec.value(QLatin1String("replicas")).toInt() : 1;
    spec.insert(QLatin1String("replicas"), planned.replicas);
    spec.remove(QLatin1String("paused")); // a paused active colour must not leave the standby unable to roll out
    return spec;
}

/// The standby Deployment's metadata: the existing standby's identity, or a new name; the
/// active's labels with the standby colour; the promotion's annotations.
QJsonObject standbyMetadata(const QJsonObject &active, const QJsonObject &existing, const PromotionRequest &request,
                            const PlannedService &planned)
{
    const QJsonObject activeMeta = withoutServerFields(active).value(QLatin1String("metadata")).toObject();
    QJsonObject meta;
    meta.insert(QLatin1String("name"), planned.standbyDeployment);
    meta.insert(QLatin1String("namespace"), request.namespaceName);
    QJsonObject labels = activeMeta.value(QLatin1String("labels")).toObject();
    labels.insert(colourKey, planned.standbyColour);
    meta.insert(QLatin1String("labels"), labels);
    QJsonObject annotations = withoutServerFields(existing)
                                  .value(QLatin1String("metadata"))
                                  .toObject()
                                  .value(QLatin1String("annotations"))
                                  .toObject();
    annotations.insert(QLatin1String(PromotionIdAnnotation), request.promotionId);
    annotations.insert(
        QLatin1String(PromotedFromAnnotation),
        QStringLiteral("%1 (%2, %3)").arg(planned.activeDeployment, planned.activeColour, planned.fromImage));
    meta.insert(QLatin1String("annotations"), annotations);
    return meta;
}

void planService(const PromotionRequest &request, const RequestedImage &requested, const QList<QJsonObject> &services,
                 const QList<QJsonObject> &deployments, PromotionPlan &plan)
{
    const QJsonObject service = findByName(services, requested.service);
    if (service.isEmpty()) {
        plan.problems.append(
            tr("%1: there is no Service of that name in %2.").arg(requested.service, request.namespaceName));
        return;
    }
    const ServiceStatus status = serviceStatus(service, deployments, {}, [](const QString &) { return QJsonObject(); });
    if (!status.blueGreen && !status.adoptable) {
        plan.problems.append(tr("%1: its Service's selector has no color, and its pods cannot be adopted into "
                                "blue-green: each Deployment needs a color label (blue or green), with pods "
                                "running in one colour only.")
                                 .arg(requested.service));
        return;
    }
    if (status.standbyColour.isEmpty()) {
        plan.problems.append(tr("%1: its Service selects color=%2; a promotion moves between blue and green only.")
                                 .arg(requested.service, status.liveColour));
        return;
    }
    if (!status.problems.isEmpty() || !status.active()) {
        plan.problems.append(tr("%1: %2").arg(requested.service, status.problems.join(QLatin1Char(' '))));
        return;
    }
    PlannedService planned;
    planned.service = requested.service;
    planned.adopts = status.adoptable;
    planned.activeColour = status.liveColour;
    planned.standbyColour = status.standbyColour;
    planned.activeDeployment = status.active()->name;
    planned.serviceResourceVersion
        = service.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString();
    const QJsonObject active = findByName(deployments, planned.activeDeployment);
    QJsonObject existing;
    if (const RolloutSummary *standby = status.standby()) {
        existing = findByName(deployments, standby->name);
        planned.standbyDeployment = standby->name;
        const QJsonObject existingMeta = existing.value(QLatin1String("metadata")).toObject();
        planned.standbyUid = existingMeta.value(QLatin1String("uid")).toString();
        planned.standbyGeneration = existingMeta.value(QLatin1String("generation")).toInteger();
    } else {
        planned.createsStandby = true;
        planned.standbyDeployment = requested.service + QLatin1Char('-') + planned.standbyColour;
        if (!findByName(deployments, planned.standbyDeployment).isEmpty()) {
            plan.problems.append(tr("%1: a Deployment named %2 exists but is not this Service's %3 colour; rename or "
                                    "delete it before promoting.")
                                     .arg(requested.service, planned.standbyDeployment, planned.standbyColour));
            return;
        }
    }
    const auto spec = standbySpec(active, planned.standbyColour, planned, requested, plan.problems);
    if (!spec)
        return;
    if (planned.fromImage == planned.toImage) {
        plan.problems.append(tr("%1 already runs %2 in its %3 colour; there is nothing to promote.")
                                 .arg(requested.service, planned.toImage, planned.activeColour));
        return;
    }
    planned.standby = {{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
                       {QStringLiteral("kind"), QStringLiteral("Deployment")},
                       {QStringLiteral("metadata"), standbyMetadata(active, existing, request, planned)},
                       {QStringLiteral("spec"), *spec}};
    plan.services.append(planned);
}

QJsonObject patchOp(const char *name, const char *path, const QJsonValue &value)
{
    return {{QStringLiteral("op"), QLatin1String(name)},
            {QStringLiteral("path"), QLatin1String(path)},
            {QStringLiteral("value"), value}};
}

QStringList yamlLines(const QJsonObject &object)
{
    return Validation::toYamlText(object).split(QLatin1Char('\n'));
}

} // namespace

HealthTarget healthTarget(const QJsonObject &container)
{
    HealthTarget target;
    const auto probe = [&container](const char *name) {
        return container.value(QLatin1String(name)).toObject().value(QLatin1String("httpGet")).toObject();
    };
    for (const auto &port : container.value(QLatin1String("ports")).toArray()) {
        if (port.toObject().value(QLatin1String("name")).toString() == QLatin1String("http"))
            target.port = QString::number(port.toObject().value(QLatin1String("containerPort")).toInt());
    }
    const QJsonValue readinessPort = probe("readinessProbe").value(QLatin1String("port"));
    if (target.port.isEmpty() && !readinessPort.isUndefined())
        target.port = readinessPort.isString() ? readinessPort.toString() : QString::number(readinessPort.toInt());
    target.path = probe("livenessProbe").value(QLatin1String("path")).toString();
    if (target.path.isEmpty())
        target.path = probe("readinessProbe").value(QLatin1String("path")).toString();
    if (target.path.isEmpty())
        target.path = QStringLiteral("/health");
    return target;
}

const PlannedService *PromotionPlan::service(const QString &name) const
{
    for (const PlannedService &planned : services) {
        if (planned.service == name)
            return &planned;
    }
    return nullptr;
}

QJsonObject withoutServerFields(QJsonObject deployment)
{
    deployment.remove(QLatin1String("status"));
    QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
    for (const char *field : {"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink"})
        meta.remove(QLatin1String(field));
    QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
    annotations.remove(QLatin1String("deployment.kubernetes.io/revision"));
    annotations.remove(QLatin1String("kubectl.kubernetes.io/last-applied-configuration"));
    if (annotations.isEmpty())
        meta.remove(QLatin1String("annotations"));
    else
        meta.insert(QLatin1String("annotations"), annotations);
    deployment.insert(QLatin1String("metadata"), meta);
    return deployment;
}

PromotionPlan planPromotion(const PromotionRequest &request, const QList<QJsonObject> &services,
                            const QList<QJsonObject> &deployments)
{
    PromotionPlan plan;
    plan.request = request;
    if (request.images.isEmpty())
        plan.problems.append(tr("Name at least one service and the image it is to run."));
    QStringList seen;
    for (const RequestedImage &requested : request.images) {
        if (seen.contains(requested.service)) {
            plan.problems.append(tr("%1 is named twice; give each service one image.").arg(requested.service));
            continue;
        }
        seen.append(requested.service);
        planService(request, requested, services, deployments, plan);
    }
    return plan;
}

QString describePlan(const PromotionPlan &plan)
{
    QStringList lines{tr("Promotion %1 in %2 (%3):")
                          .arg(plan.request.promotionId, plan.request.environment, plan.request.namespaceName)};
    for (const PlannedService &planned : plan.services) {
        lines.append(tr("- %1: %2 -> %3, %4 -> %5 (%6)")
                         .arg(planned.service, planned.activeColour, planned.standbyColour, planned.fromImage,
                              planned.toImage, planned.container));
        lines.append(tr("  deployment/%1 serves; deployment/%2 %3 with %4")
                         .arg(planned.activeDeployment, planned.standbyDeployment,
                              planned.createsStandby ? tr("is created") : tr("is updated"),
                              planned.replicas == 1 ? tr("1 replica") : tr("%1 replicas").arg(planned.replicas)));
        if (planned.adopts)
            lines.append(tr("  service/%1 is adopted into blue-green first: its selector gains color=%2")
                             .arg(planned.service, planned.activeColour));
        lines.append(
            tr("  service/%1 switches selector color %2 -> %3 (resourceVersion %4)")
                .arg(planned.service, planned.activeColour, planned.standbyColour,
                     planned.serviceResourceVersion.isEmpty() ? tr("unknown") : planned.serviceResourceVersion));
    }
    for (const QString &problem : plan.problems)
        lines.append(tr("Problem: %1").arg(problem));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QList<Validation::Problem> validatePlan(const PromotionPlan &plan, const Validation::Validator &validator)
{
    QList<Validation::ManifestSource> sources;
    for (const PlannedService &planned : plan.services)
        sources.append({QStringLiteral("plan/%1.yaml").arg(planned.standbyDeployment), standbyYaml(planned).toUtf8()});
    return validator.validate(sources).problems;
}

QList<RequestedImage> rollbackRequests(const QList<QJsonObject> &services, const QList<QJsonObject> &deployments,
                                       const QStringList &serviceNames, QStringList *problems)
{
    QList<RequestedImage> requests;
    for (const QJsonObject &service : services) {
        const QString name = nameOf(service);
        if (!serviceNames.isEmpty() && !serviceNames.contains(name))
            continue;
        const ServiceStatus status
            = serviceStatus(service, deployments, {}, [](const QString &) { return QJsonObject(); });
        const RolloutSummary *standby = status.standby();
        if (!status.blueGreen || !standby) {
            if (!serviceNames.isEmpty())
                problems->append(tr("%1 has no standby colour to roll back to.").arg(name));
            continue;
        }
        const QJsonArray containers = findByName(deployments, standby->name)
                                          .value(QLatin1String("spec"))
                                          .toObject()
                                          .value(QLatin1String("template"))
                                          .toObject()
                                          .value(QLatin1String("spec"))
                                          .toObject()
                                          .value(QLatin1String("containers"))
                                          .toArray();
        const int index = containerIndex(containers, {}, name);
        if (index < 0) {
            problems->append(
                tr("%1: its standby's pods have several containers and none is named after the service.").arg(name));
            continue;
        }
        requests.append({name, containers[index].toObject().value(QLatin1String("image")).toString(), {}});
    }
    for (const QString &name : serviceNames) {
        if (findByName(services, name).isEmpty())
            problems->append(tr("%1: there is no Service of that name.").arg(name));
    }
    return requests;
}

QString standbyYaml(const PlannedService &planned)
{
    return Validation::toYamlText(planned.standby);
}

QString standbyDiff(const PlannedService &planned, const QJsonObject &active)
{
    return Diff::unifiedDiff(yamlLines(withoutServerFields(active)), yamlLines(planned.standby));
}

QByteArray standbyUpdatePatch(const PlannedService &planned)
{
    const QJsonObject meta = planned.standby.value(QLatin1String("metadata")).toObject();
    const QJsonArray patch{patchOp("test", "/metadata/uid", planned.standbyUid),
                           patchOp("test", "/metadata/generation", planned.standbyGeneration),
                           patchOp("add", "/metadata/labels", meta.value(QLatin1String("labels"))),
                           patchOp("add", "/metadata/annotations", meta.value(QLatin1String("annotations"))),
                           patchOp("replace", "/spec", planned.standby.value(QLatin1String("spec")))};
    return QJsonDocument(patch).toJson(QJsonDocument::Compact);
}

QByteArray promotedServicePatch(const PlannedService &planned, const QString &promotionId, const QString &when)
{
    const QJsonObject annotations{{QStringLiteral("lucent.com/active-colour"), planned.standbyColour},
                                  {QStringLiteral("lucent.com/active-version"), imageVersion(planned.toImage)},
                                  {QStringLiteral("lucent.com/promotion-id"), promotionId},
                                  {QStringLiteral("lucent.com/promoted-at"), when}};
    const QJsonObject patch{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("annotations"), annotations}}}};
    return QJsonDocument(patch).toJson(QJsonDocument::Compact);
}

} // namespace Lucent::Core::Release
