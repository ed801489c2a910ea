#pragma once

#include "core/validation/problem.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Validation {
class Validator;
}

namespace Lucent::Core::Release {

/// One service of a release and the image it is to run ("wallet-service",
/// "lucent/wallet-service:2.2.0"). @p container names the container when the pod has several
/// and none is named after the service.
struct RequestedImage {
    QString service;
    QString image;
    QString container;
};

/// What a promotion is asked to do, before anything is read from the cluster.
struct PromotionRequest {
    QString promotionId; ///< unique per promotion: names it in annotations, the journal and the audit
    QString environment;
    QString namespaceName;
    QList<RequestedImage> images;
};

/// The standby Deployment one service of a release gets, and what it is made from.
struct PlannedService {
    QString service;
    QString activeColour;
    QString standbyColour;
    QString activeDeployment; ///< its name
    QString standbyDeployment; ///< its name: the existing standby's, or "<service>-<colour>"
    bool createsStandby = false; ///< no Deployment of the standby colour exists yet
    /// Its selector has no colour yet: the promotion first selects the active colour (shown in
    /// the plan; the engine decides again on what it reads just before).
    bool adopts = false;
    /// The existing standby's identity and spec generation: its update's preconditions. Not its
    /// resourceVersion, which every status write of the controller changes.
    QString standbyUid;
    qint64 standbyGeneration = 0;
    QString serviceResourceVersion; ///< the Service's at plan time: the switch's precondition
    QString container;
    QString fromImage;
    QString toImage;
    int replicas = 1; ///< the active colour's, so that the switch keeps the capacity
    QString healthPort; ///< the container port named "http", else the readiness probe's port
    QString healthPath; ///< the liveness probe's HTTP path, else the readiness probe's, else /health
    QJsonObject standby; ///< the Deployment to create or replace, without status
};

/// A release's plan: pure data computed from the request and the live objects, shown to the
/// user (as diffs) and journalled, so that a resumed promotion does exactly what was agreed.
struct PromotionPlan {
    PromotionRequest request;
    QList<PlannedService> services;
    QStringList problems; ///< sentences; any problem blocks the promotion

    bool isValid() const { return problems.isEmpty() && !services.isEmpty(); }
    const PlannedService *service(const QString &name) const;
};

/// Where a container answers its health check: the port named "http" (else the readiness
/// probe's port), and the liveness probe's path (else the readiness probe's, else /health).
/// Never computed from the service's name, the seed script's mistake.
struct HealthTarget {
    QString port;
    QString path;
};
HealthTarget healthTarget(const QJsonObject &container);

/// Annotations a planned standby Deployment carries.
inline constexpr char PromotionIdAnnotation[] = "lucent.com/promotion-id";
inline constexpr char PromotedFromAnnotation[] = "lucent.com/promoted-from";

/// Plans @p request against the namespace's @p services and @p deployments (as listed): for
/// each service, the active Deployment's spec with the new image and the standby colour in
/// the selector, template labels and its own labels, the same replicas. Deployments are found
/// by the Service's selector and their colour, never by name.
PromotionPlan planPromotion(const PromotionRequest &request, const QList<QJsonObject> &services,
                            const QList<QJsonObject> &deployments);

/// A rollback is a promotion back to the standby colour with the image that colour still
/// has: the requests for @p serviceNames, or for every blue-green Service that has a standby
/// Deployment when none are named. A named service without one gets a sentence in
/// @p problems.
QList<RequestedImage> rollbackRequests(const QList<QJsonObject> &services, const QList<QJsonObject> &deployments,
                                       const QStringList &serviceNames, QStringList *problems);

/// The JSON patch that makes an existing standby Deployment the planned one, only if it is still
/// the object the plan read with the same spec (tests of its uid and generation; status writes
/// in between do not matter).
QByteArray standbyUpdatePatch(const PlannedService &planned);

/// The merge patch that says on a promoted Service which colour and version serve, and which
/// promotion put them there, when.
QByteArray promotedServicePatch(const PlannedService &planned, const QString &promotionId, const QString &when);

/// The standby Deployment of @p planned as YAML, and a unified diff against @p active (both
/// without status and server-owned metadata): what the user reviews before deploying.
QString standbyYaml(const PlannedService &planned);
QString standbyDiff(const PlannedService &planned, const QJsonObject &active);

/// @p deployment without status and the metadata the server owns (uid, resourceVersion,
/// generation, creationTimestamp, managedFields, the revision annotation): what a plan
/// copies and compares.
QJsonObject withoutServerFields(QJsonObject deployment);

/// The planned standby Deployments checked as manifests would be (schema and policy: a
/// `:latest` image, a missing probe, one replica in production). Errors block the
/// promotion; warnings are shown. Each problem names its service's Deployment.
QList<Validation::Problem> validatePlan(const PromotionPlan &plan, const Validation::Validator &validator);

/// The plan as people and CI logs read it: per service, its colours, Deployments, images and
/// replicas, then the problems. Deterministic, so that it can be compared byte for byte.
QString describePlan(const PromotionPlan &plan);

} // namespace Lucent::Core::Release
