#include "core/release/previewservices.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/release/writesafety.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

namespace Lucent::Core::Release::PreviewServices {

namespace {

/// Tells @p each of every answer worth an audit record, and @p done once all came.
struct Tally {
    int pending = 0;
    QStringList problems;
    Each each;
    Done done;
    void answer(const QString &name, const QString &problem, bool tell = true)
    {
        if (tell)
            each(name, problem);
        if (!problem.isEmpty())
            problems.append(problem);
        if (--pending == 0)
            done(problems.isEmpty(), problems.join(QLatin1Char(' ')));
    }
};

QJsonObject portsWithoutNodePorts(const QJsonArray &ports)
{
    QJsonArray kept;
    for (const auto &value : ports) {
        QJsonObject port = value.toObject();
        port.remove(QLatin1String("nodePort"));
        kept.append(port);
    }
    return {{QStringLiteral("ports"), kept}};
}

void retarget(Kube::KubeClient *client, const QString &ns, const QJsonObject &existing, const QJsonObject &preview,
              QObject *context, const std::shared_ptr<Tally> &tally)
{
    const QString name = preview[QLatin1String("metadata")][QLatin1String("name")].toString();
    QJsonObject metadata = preview[QLatin1String("metadata")].toObject();
    // The Service as just read is the precondition: a change since answers 409.
    metadata.insert(QStringLiteral("resourceVersion"),
                    existing[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString());
    const QJsonObject patch{
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("selector"), preview[QLatin1String("spec")][QLatin1String("selector")]}}}};
    Kube::KubeReply *patched
        = client->patch(Kube::ResourceType::services(), ns, name, Kube::PatchType::Merge,
                        QJsonDocument(patch).toJson(QJsonDocument::Compact), {}, promotionFieldManager());
    QObject::connect(patched, &Kube::KubeReply::finished, context, [patched, name, tally] {
        const Kube::ApiError &patchError = patched->error();
        tally->answer(name,
                      patchError.isError()
                          ? QStringLiteral("service/%1 could not be updated: %2").arg(name, patchError.sentence())
                          : QString());
    });
}

void createOne(Kube::KubeClient *client, const QString &ns, const QJsonObject &preview, QObject *context,
               const std::shared_ptr<Tally> &tally)
{
    const QString name = preview[QLatin1String("metadata")][QLatin1String("name")].toString();
    Kube::KubeReply *created = client->create(Kube::ResourceType::services(), ns, preview, promotionFieldManager());
    QObject::connect(
        created, &Kube::KubeReply::finished, context, [client, ns, name, preview, created, context, tally] {
            const Kube::ApiError &error = created->error();
            if (!error.isConflict()) {
                tally->answer(name,
                              error.isError()
                                  ? QStringLiteral("service/%1 could not be created: %2").arg(name, error.sentence())
                                  : QString());
                return;
            }
            // Left by an interrupted run: point it at this promotion's standby colour. Someone
            // else's Service of that name is never taken over.
            Kube::KubeReply *existing = client->get(Kube::ResourceType::services(), ns, name);
            QObject::connect(
                existing, &Kube::KubeReply::finished, context, [client, ns, name, preview, existing, context, tally] {
                    if (existing->error().isError()) {
                        tally->answer(
                            name,
                            QStringLiteral("service/%1 could not be read: %2").arg(name, existing->error().sentence()));
                        return;
                    }
                    const QString service = preview[QLatin1String("metadata")][QLatin1String("annotations")]
                                                   [QLatin1String(PreviewOfAnnotation)]
                                                       .toString();
                    if (!isPreviewOf(existing->json(), service)) {
                        tally->answer(name,
                                      QStringLiteral("service/%1 already exists and is not a "
                                                     "preview this console made (no %2 label); "
                                                     "rename it, or promote without previews.")
                                          .arg(name, QLatin1String(PreviewLabel)));
                        return;
                    }
                    retarget(client, ns, existing->json(), preview, context, tally);
                });
        });
}

} // namespace

bool isPreviewOf(const QJsonObject &object, const QString &service)
{
    const QJsonObject metadata = object[QLatin1String("metadata")].toObject();
    return metadata[QLatin1String("labels")][QLatin1String(PreviewLabel)].toString() == QLatin1String("true")
        && metadata[QLatin1String("annotations")][QLatin1String(PreviewOfAnnotation)].toString() == service;
}

QString nameOf(const QString &service)
{
    return service + QStringLiteral("-preview");
}

QJsonObject previewOf(const QJsonObject &service, const PlannedService &planned, const QString &promotionId)
{
    const QJsonObject spec = service[QLatin1String("spec")].toObject();
    QJsonObject selector = spec[QLatin1String("selector")].toObject();
    selector.insert(QStringLiteral("color"), planned.standbyColour);
    QJsonObject previewSpec = portsWithoutNodePorts(spec[QLatin1String("ports")].toArray());
    previewSpec.insert(QStringLiteral("type"), QStringLiteral("ClusterIP"));
    previewSpec.insert(QStringLiteral("selector"), selector);
    QJsonObject labels = service[QLatin1String("metadata")][QLatin1String("labels")].toObject();
    labels.insert(QLatin1String(PreviewLabel), QStringLiteral("true"));
    return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Service")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), nameOf(planned.service)},
                         {QStringLiteral("labels"), labels},
                         {QStringLiteral("annotations"),
                          QJsonObject{{QLatin1String(PromotionIdAnnotation), promotionId},
                                      {QLatin1String(PreviewOfAnnotation), planned.service}}}}},
            {QStringLiteral("spec"), previewSpec}};
}

void create(Kube::KubeClient *client, const PromotionPlan &plan, QObject *context, const Each &each, const Done &done)
{
    auto tally = std::make_shared<Tally>(Tally{int(plan.services.size()), {}, each, done});
    const QString ns = plan.request.namespaceName;
    for (const PlannedService &planned : plan.services) {
        Kube::KubeReply *live = client->get(Kube::ResourceType::services(), ns, planned.service);
        QObject::connect(live, &Kube::KubeReply::finished, context,
                         [client, ns, live, planned, context, tally, id = plan.request.promotionId] {
                             if (live->error().isError())
                                 tally->answer(nameOf(planned.service),
                                               QStringLiteral("service/%1 could not be read: %2")
                                                   .arg(planned.service, live->error().sentence()),
                                               false);
                             else
                                 createOne(client, ns, previewOf(live->json(), planned, id), context, tally);
                         });
    }
}

void remove(Kube::KubeClient *client, const PromotionPlan &plan, QObject *context, const Each &each, const Done &done)
{
    auto tally = std::make_shared<Tally>(Tally{int(plan.services.size()), {}, each, done});
    const QString ns = plan.request.namespaceName;
    for (const PlannedService &planned : plan.services) {
        const QString name = nameOf(planned.service);
        // Only a preview this console made for this service is deleted: read first, by label.
        Kube::KubeReply *existing = client->get(Kube::ResourceType::services(), ns, name);
        QObject::connect(
            existing, &Kube::KubeReply::finished, context,
            [client, ns, existing, tally, name, service = planned.service, context] {
                const Kube::ApiError &readError = existing->error();
                if (readError.isNotFound() || (!readError.isError() && !isPreviewOf(existing->json(), service))) {
                    tally->answer(name, {}, false); // none of ours: nothing to delete
                    return;
                }
                if (readError.isError()) {
                    tally->answer(name,
                                  QStringLiteral("service/%1 could not be read: %2").arg(name, readError.sentence()));
                    return;
                }
                Kube::KubeReply *reply = client->remove(Kube::ResourceType::services(), ns, name);
                QObject::connect(reply, &Kube::KubeReply::finished, context, [reply, tally, name] {
                    const Kube::ApiError &error = reply->error();
                    tally->answer(
                        name,
                        error.isError() && !error.isNotFound()
                            ? QStringLiteral("service/%1 could not be deleted: %2").arg(name, error.sentence())
                            : QString(),
                        !error.isNotFound());
                });
            });
    }
}

} // namespace Lucent::Core::Release::PreviewServices
