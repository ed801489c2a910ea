#pragma once

#include "core/validation/manifestjson.h"

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

} // namespace Lucent::Core::Apply
