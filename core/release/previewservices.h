#pragma once

#include "core/release/promotionplan.h"

#include <QJsonObject>

#include <functional>

class QObject;

namespace Lucent::Core::Kube {
class KubeClient;
}

// The optional preview Services of a promotion: `<service>-preview`, selecting the standby
// colour once it is ready (never before: Argo Rollouts #2641 is the bug of pointing one at pods
// that are not), so that smoke tests and people reach the new version before it takes the
// traffic. Deleted when the promotion ends.
namespace Lucent::Core::Release::PreviewServices {

/// What marks a Service as a preview this console made, and for which service.
inline constexpr char PreviewLabel[] = "lucent.com/preview";
inline constexpr char PreviewOfAnnotation[] = "lucent.com/preview-of";

QString nameOf(const QString &service);

/// Whether @p object is a preview this console made for @p service (its label and annotation):
/// only such a one is pointed again or deleted; someone else's Service of that name never is.
bool isPreviewOf(const QJsonObject &object, const QString &service);

/// The preview Service of @p planned, made from its live @p service: the same ports, the same
/// selector with the standby colour, ClusterIP, labelled and annotated with the promotion.
QJsonObject previewOf(const QJsonObject &service, const PlannedService &planned, const QString &promotionId);

/// Told of each preview written or deleted (for the audit trail): its name, and the problem.
using Each = std::function<void(const QString &name, const QString &problem)>;
using Done = std::function<void(bool ok, const QString &problems)>;

/// Creates (or points again, if an interrupted run left one) the preview of each service of
/// @p plan; a Service of that name that is not one of ours is a problem, left as it is. @p done
/// says whether all exist, and what failed.
void create(Kube::KubeClient *client, const PromotionPlan &plan, QObject *context, const Each &each, const Done &done);

/// Deletes the preview of each service of @p plan, read first: one already gone, or a Service of
/// that name that is not one of ours, is left and not told.
void remove(Kube::KubeClient *client, const PromotionPlan &plan, QObject *context, const Each &each, const Done &done);

} // namespace Lucent::Core::Release::PreviewServices
