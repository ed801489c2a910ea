#include "core/apply/applyguards.h"

#include <QFileInfo>

namespace Lucent::Core::Apply {

namespace {

ApplyPlan refused(const QString &sentence)
{
    return {ApplyPlan::Verdict::Refused, {}, sentence};
}

} // namespace

ApplyPlan planApply(const QString &fileName, const QByteArray &text, const QString &environment,
                    const QString &namespaceName, bool realApply)
{
    const QString name = QFileInfo(fileName).fileName();
    if (realApply && name.endsWith(QLatin1String(".template.yaml"))) {
        return refused(QStringLiteral("%1 is a template: its values are blank on purpose. Create the real object "
                                      "from your secret store instead (for example kubectl create secret generic … "
                                      "--from-literal=…).")
                           .arg(name));
    }
    QString error;
    const QList<Validation::ManifestObject> objects = Validation::manifestObjects(text, &error);
    if (!error.isEmpty())
        return refused(QStringLiteral("%1 cannot be sent: %2").arg(name, error));
    if (objects.isEmpty()) {
        return {
            ApplyPlan::Verdict::NothingToSend,
            {},
            QStringLiteral("%1 holds no API objects (only a kustomization or comments); nothing to send.").arg(name)};
    }
    if (realApply) {
        for (const auto &object : objects) {
            const bool isNamespace = object.kind() == QLatin1String("Namespace");
            const QString target = isNamespace ? object.name() : object.namespaceName();
            if (!target.isEmpty() && target != namespaceName) {
                return refused(QStringLiteral("%1 (line %2) belongs to namespace %3, but %4 works in %5. Switch to "
                                              "the environment of %3 to apply it, so that its confirmation is the "
                                              "one asked.")
                                   .arg(object.displayName())
                                   .arg(object.line)
                                   .arg(target, environment, namespaceName));
            }
        }
    }
    return {ApplyPlan::Verdict::Send, objects, {}};
}

} // namespace Lucent::Core::Apply
