#pragma once

#include "core/apply/manifestapplier.h"
#include "core/validation/manifestjson.h"

#include <QJsonObject>

#include <QList>
#include <QString>

namespace Lucent::Core::Apply {

/// What a manifest file would send to an environment, or why it must not be sent.
struct ApplyPlan {
    enum class Verdict { Send, NothingToSend, Refused };
    Verdict verdict = Verdict::Refused;
    QList<Validation::ManifestObject> objects;
    QString sentence; ///< why it is refused, or that there is nothing to send

    bool canSend() const { return verdict == Verdict::Send; }
};

/// The checks before a diff or an apply, in the order a reader expects them:
///  - the file parses into API objects (a kustomization or comments alone send nothing);
///  - for a real apply, a `*.template.yaml` is refused: its blanks would replace real values;
///  - for a real apply, every object belongs to the environment's namespace, so that the
///    confirmation asked is the one of the environment that changes.
/// A diff is a dry run and may look at any namespace.
ApplyPlan planApply(const QString &fileName, const QByteArray &text, const QString &environment,
                    const QString &namespaceName, bool realApply);

/// The field manager of a promotion's writes (core/release's promotionFieldManager(); the apply
/// module sits below release, so the name is repeated here and a test holds the two equal).
inline constexpr char PromotionFieldManager[] = "lucent-promotion";

/// A Service manifest whose selector names no colour, applied over a live Service that selects
/// one: the live colour is put into @p manifest, so that an Apply of git neither switches traffic
/// nor selects both colours (the colour is the promotion's field). The colour kept, or empty when
/// @p manifest was left as it was.
QString keepLiveColour(QJsonObject &manifest, const QJsonObject &live);

/// Why the conflicts of @p outcomes must not be taken over: the fields a promotion owns (a
/// Service's colour, a Deployment's replicas or image) decide what serves, which only a promotion
/// or a rollback may change. Empty when none of them is the promotion's.
QString promotionFieldsRefusal(const QList<ApplyOutcome> &outcomes);

/// The fields of @p live that the promotion owns (its managedFields entry of
/// PromotionFieldManager) and @p manifest sets to another value, as ".spec.replicas"; empty when
/// none. Judged on the object as read just before a forced apply: a promotion may have written
/// them after the dry run the user confirmed.
QStringList promotionFieldsChanged(const QJsonObject &manifest, const QJsonObject &live);

} // namespace Lucent::Core::Apply
