#include "core/apply/applyguards.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

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

namespace {

/// The element of @p list whose fields equal those of @p key (a fieldsV1 "k:{…}" key).
QJsonValue elementFor(const QJsonArray &list, const QJsonObject &key)
{
    for (const auto &item : list) {
        const QJsonObject element = item.toObject();
        bool same = true;
        for (auto it = key.begin(); it != key.end() && same; ++it)
            same = element.value(it.key()) == it.value();
        if (same)
            return element;
    }
    return {};
}

/// Walks @p owned (a fieldsV1 set) over @p manifest and @p live together, collecting in @p changed
/// the owned leaves the manifest sets to another value than the live one.
void collectChanged(const QJsonObject &owned, const QJsonValue &manifest, const QJsonValue &live, const QString &path,
                    QStringList &changed)
{
    for (auto it = owned.begin(); it != owned.end(); ++it) {
        const QString key = it.key();
        const QJsonObject child = it.value().toObject();
        const bool leaf = child.isEmpty() || (child.size() == 1 && child.contains(QLatin1String(".")));
        QJsonValue mine;
        QJsonValue theirs;
        QString where;
        if (key.startsWith(QLatin1String("f:"))) {
            const QString name = key.mid(2);
            if (!manifest.toObject().contains(name))
                continue;
            mine = manifest.toObject().value(name);
            theirs = live.toObject().value(name);
            where = path + QLatin1Char('.') + name;
        } else if (key.startsWith(QLatin1String("k:"))) {
            const QJsonObject element = QJsonDocument::fromJson(key.mid(2).toUtf8()).object();
            mine = elementFor(manifest.toArray(), element);
            if (mine.isUndefined())
                continue;
            theirs = elementFor(live.toArray(), element);
            where = path + QLatin1Char('[') + key.mid(2) + QLatin1Char(']');
        } else {
            continue; // "." : the element itself, judged by its parent
        }
        if (leaf) {
            if (mine != theirs)
                changed.append(where);
        } else {
            collectChanged(child, mine, theirs, where, changed);
        }
    }
}

} // namespace

QStringList promotionFieldsChanged(const QJsonObject &manifest, const QJsonObject &live)
{
    QStringList changed;
    for (const auto &entry : live[QLatin1String("metadata")][QLatin1String("managedFields")].toArray()) {
        if (entry[QLatin1String("manager")].toString() == QLatin1String(PromotionFieldManager))
            collectChanged(entry[QLatin1String("fieldsV1")].toObject(), manifest, live, QString(), changed);
    }
    return changed;
}

} // namespace Lucent::Core::Apply
