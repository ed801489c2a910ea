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

QString keepLiveColour(QJsonObject &manifest, const QJsonObject &live)
{
    if (manifest.value(QLatin1String("kind")).toString() != QLatin1String("Service"))
        return {};
    const QString colour = live[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString();
    QJsonObject spec = manifest.value(QLatin1String("spec")).toObject();
    QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
    if (colour.isEmpty() || selector.isEmpty() || selector.contains(QLatin1String("color")))
        return {};
    selector.insert(QStringLiteral("color"), colour);
    spec.insert(QStringLiteral("selector"), selector);
    manifest.insert(QStringLiteral("spec"), spec);
    return colour;
}

QString promotionFieldsRefusal(const QList<ApplyOutcome> &outcomes)
{
    QStringList fields;
    for (const ApplyOutcome &outcome : outcomes) {
        for (const FieldConflict &conflict : outcome.conflicts) {
            if (conflict.manager == QLatin1String(PromotionFieldManager))
                fields.append(QStringLiteral("%1 %2").arg(outcome.object, conflict.field));
        }
    }
    if (fields.isEmpty())
        return {};
    return QStringLiteral("Not taken over: %1 %2 a promotion's (field manager %3). They decide which colour and "
                          "version serve, so only a promotion or a rollback changes them; applying them here could "
                          "switch traffic or scale down the pods that serve. Promote or roll back instead, or write "
                          "the served versions into the manifests first.")
        .arg(fields.join(QStringLiteral(", ")), fields.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"),
             QLatin1String(PromotionFieldManager));
}

} // namespace Lucent::Core::Apply
