#include "core/apply/manifestapplier.h"

#include "core/apply/applyguards.h"
#include "core/audit/audittrail.h"
#include "core/diff/linediff.h"
#include "core/kube/kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Lucent::Core::Apply {

using Kube::KubeClient;
using Kube::KubeReply;
using Kube::KubeRequest;
using Kube::PatchType;
using Kube::ResourceType;

namespace {

// Groups whose objects take strategic merge patches; custom resources only take merge patches.
bool takesStrategicMerge(const QString &group)
{
    static const QStringList builtIn{QString(),
                                     QStringLiteral("apps"),
                                     QStringLiteral("batch"),
                                     QStringLiteral("autoscaling"),
                                     QStringLiteral("policy"),
                                     QStringLiteral("networking.k8s.io"),
                                     QStringLiteral("rbac.authorization.k8s.io"),
                                     QStringLiteral("coordination.k8s.io")};
    return builtIn.contains(group);
}

// What the server fills in and a reader does not want in a diff.
QJsonObject forDiff(QJsonObject object)
{
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    for (const char *field : {"managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"})
        meta.remove(QLatin1String(field));
    object.insert(QStringLiteral("metadata"), meta);
    object.remove(QStringLiteral("status"));
    return object;
}

// Secret values never reach the screen: like kubectl diff, each becomes "***", marked
// "(before)" and "(after)" where the two sides differ, so that a change still shows.
void maskSecrets(QJsonObject &before, QJsonObject &after)
{
    if (after.value(QLatin1String("kind")).toString() != QLatin1String("Secret"))
        return;
    for (const char *section : {"data", "stringData"}) {
        const QString key = QLatin1String(section);
        QJsonObject a = before.value(key).toObject();
        QJsonObject b = after.value(key).toObject();
        for (auto it = a.begin(); it != a.end(); ++it) {
            const bool same = b.contains(it.key()) && b.value(it.key()) == it.value();
            it.value() = same ? QStringLiteral("***") : QStringLiteral("*** (before)");
        }
        for (auto it = b.begin(); it != b.end(); ++it) {
            const bool same = a.value(it.key()) == QJsonValue(QStringLiteral("***"));
            it.value() = same ? QStringLiteral("***") : QStringLiteral("*** (after)");
        }
        if (before.contains(key))
            before.insert(key, a);
        if (after.contains(key))
            after.insert(key, b);
    }
    // The last-applied annotation of kubectl apply repeats the values in clear.
    for (QJsonObject *object : {&before, &after}) {
        QJsonObject meta = object->value(QLatin1String("metadata")).toObject();
        QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
        if (annotations.contains(QLatin1String("kubectl.kubernetes.io/last-applied-configuration"))) {
            annotations.insert(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"),
                               QStringLiteral("***"));
            meta.insert(QStringLiteral("annotations"), annotations);
            object->insert(QStringLiteral("metadata"), meta);
        }
    }
}

QStringList yamlLines(const QJsonObject &object)
{
    return object.isEmpty() ? QStringList() : Validation::toYamlText(forDiff(object)).split(QLatin1Char('\n'));
}

QString resultWord(ApplyOutcome::Result result, bool dryRun)
{
    const QString suffix = dryRun ? QStringLiteral(" (server dry run)") : QString();
    switch (result) {
    case ApplyOutcome::Result::Created: return QStringLiteral("created") + suffix;
    case ApplyOutcome::Result::Configured: return QStringLiteral("configured") + suffix;
    case ApplyOutcome::Result::Unchanged: return QStringLiteral("unchanged") + suffix;
    case ApplyOutcome::Result::Conflict: return QStringLiteral("conflicts with other field managers");
    case ApplyOutcome::Result::Failed: return QStringLiteral("failed");
    }
    return {};
}

} // namespace

QString ApplyOutcome::summary() const
{
    QString word;
    switch (result) {
    case Result::Created: word = QStringLiteral("created"); break;
    case Result::Configured: word = QStringLiteral("configured"); break;
    case Result::Unchanged: word = QStringLiteral("unchanged"); break;
    case Result::Conflict: word = QStringLiteral("conflict"); break;
    case Result::Failed: word = QStringLiteral("failed"); break;
    }
    return object + QLatin1Char(' ') + word;
}

ManifestApplier::ManifestApplier(KubeClient *client, QString defaultNamespace, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_defaultNamespace(std::move(defaultNamespace))
{
}

ManifestApplier::~ManifestApplier() = default;

void ManifestApplier::setAuditTrail(Audit::AuditTrail *audit)
{
    m_audit = audit;
}

void ManifestApplier::start(const QList<Validation::ManifestObject> &objects, bool dryRun, bool forceConflicts)
{
    m_objects = objects;
    m_outcomes.clear();
    m_index = -1;
    m_dryRun = dryRun;
    m_force = forceConflicts;
    m_running = true;
    next();
}

void ManifestApplier::next()
{
    ++m_index;
    if (m_index >= m_objects.size()) {
        m_running = false;
        Q_EMIT finished(m_outcomes);
        return;
    }
    if (!m_client) {
        fail(QStringLiteral("The cluster connection is gone; reconnect and try again."));
        return;
    }
    const auto &object = m_objects[m_index];
    if (object.apiVersion().isEmpty() || object.kind().isEmpty() || object.name().isEmpty()) {
        fail(QStringLiteral("The object on line %1 needs apiVersion, kind and metadata.name.").arg(object.line));
        return;
    }
    const QString apiVersion = object.apiVersion();
    if (m_discovery.contains(apiVersion)) {
        for (const auto &type : m_discovery.value(apiVersion)) {
            if (type.kind == object.kind()) {
                resolved(type);
                return;
            }
        }
        fail(QStringLiteral("The cluster does not serve %1 %2; check the apiVersion, or install the CRD first.")
                 .arg(apiVersion, object.kind()));
        return;
    }
    KubeRequest request;
    request.path = apiVersion.contains(QLatin1Char('/')) ? QStringLiteral("/apis/") + apiVersion
                                                         : QStringLiteral("/api/") + apiVersion;
    KubeReply *reply = m_client->send(request);
    connect(reply, &KubeReply::finished, this, [this, reply, apiVersion] {
        QList<ResourceType> types;
        if (!reply->error().isError()) {
            const QString group
                = apiVersion.contains(QLatin1Char('/')) ? apiVersion.section(QLatin1Char('/'), 0, 0) : QString();
            const QString version = apiVersion.section(QLatin1Char('/'), -1);
            for (const auto &value : reply->json().value(QLatin1String("resources")).toArray()) {
                const QJsonObject r = value.toObject();
                const QString name = r.value(QLatin1String("name")).toString();
                if (name.contains(QLatin1Char('/')))
                    continue; // a subresource such as deployments/scale
                types.append({group, version, name, r.value(QLatin1String("kind")).toString(),
                              r.value(QLatin1String("namespaced")).toBool()});
            }
        } else if (!reply->error().isNotFound()) {
            fail(reply->error().sentence());
            return;
        }
        m_discovery.insert(apiVersion, types); // a 404 caches "serves nothing"
        --m_index;
        next();
    });
}

void ManifestApplier::resolved(const ResourceType &type)
{
    m_type = type;
    const auto &object = m_objects[m_index];
    m_namespace = type.namespaced ? (object.namespaceName().isEmpty() ? m_defaultNamespace : object.namespaceName())
                                  : QString();
    KubeReply *reply = m_client->get(type, m_namespace, object.name());
    connect(reply, &KubeReply::finished, this, [this, reply] { gotLive(reply); });
}

void ManifestApplier::gotLive(KubeReply *reply)
{
    const auto &manifest = m_objects[m_index];
    QJsonObject body = manifest.object;
    body.remove(QStringLiteral("status"));
    if (m_type.namespaced) {
        QJsonObject meta = body.value(QLatin1String("metadata")).toObject();
        meta.insert(QStringLiteral("namespace"), m_namespace);
        body.insert(QStringLiteral("metadata"), meta);
    }
    // git's Services name no colour: the one the promotion selects stays (never switched, never
    // dropped so that both colours would be selected).
    m_keptColour = keepLiveColour(body, reply->error().isError() ? QJsonObject() : reply->json());
    KubeRequest request;
    request.query.addQueryItem(QStringLiteral("fieldValidation"), QStringLiteral("Strict"));
    request.query.addQueryItem(QStringLiteral("fieldManager"), QLatin1String(FieldManager));
    if (m_dryRun)
        request.query.addQueryItem(QStringLiteral("dryRun"), QStringLiteral("All"));
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    bool create = false;
    if (m_serverSideApply) {
        if (reply->error().isError() && !reply->error().isNotFound()) {
            fail(reply->error().sentence());
            return;
        }
        create = reply->error().isNotFound();
        m_live = create ? QJsonObject() : reply->json();
        // A forced apply takes what it sets from every other manager; never the promotion's
        // fields, judged on this read, made just before the write.
        if (const QStringList taken = m_force ? promotionFieldsChanged(body, m_live) : QStringList();
            !taken.isEmpty()) {
            fail(QStringLiteral("Not taken over: %1 %2 a promotion's (field manager %3). They decide which colour "
                                "and version serve, so only a promotion or a rollback changes them. Promote or roll "
                                "back instead.")
                     .arg(manifest.displayName() + QLatin1Char(' ') + taken.join(QStringLiteral(", ")),
                          taken.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"),
                          QLatin1String(PromotionFieldManager)));
            return;
        }
        request.method = QByteArrayLiteral("PATCH");
        request.path = m_type.objectPath(m_namespace, manifest.name());
        request.contentType = QByteArrayLiteral("application/apply-patch+yaml"); // JSON is YAML
        if (m_force)
            request.query.addQueryItem(QStringLiteral("force"), QStringLiteral("true"));
    } else if (reply->error().isNotFound()) {
        m_live = {};
        create = true;
        request.method = QByteArrayLiteral("POST");
        request.path = m_type.collectionPath(m_namespace);
        request.contentType = QByteArrayLiteral("application/json");
    } else if (reply->error().isError()) {
        fail(reply->error().sentence());
        return;
    } else {
        m_live = reply->json();
        request.method = QByteArrayLiteral("PATCH");
        request.path = m_type.objectPath(m_namespace, manifest.name());
        request.contentType
            = Kube::contentTypeFor(takesStrategicMerge(m_type.group) ? PatchType::Strategic : PatchType::Merge);
    }
    KubeReply *write = m_client->send(request);
    connect(write, &KubeReply::finished, this, [this, write, create] { gotResult(write, create); });
}

void ManifestApplier::gotResult(KubeReply *reply, bool created)
{
    const auto &error = reply->error();
    if (m_serverSideApply && error.httpStatus == 415) {
        m_serverSideApply = false; // this server has no server-side apply: send it the old way
        resolved(m_type);
        return;
    }
    if (error.isConflict() && !error.causes.isEmpty()
        && error.causes.constFirst().reason == QLatin1String("FieldManagerConflict")) {
        conflicted(error);
        return;
    }
    if (error.isError()) {
        fail(error.sentence());
        return;
    }
    const QJsonObject stored = reply->json();
    QJsonObject before = m_live;
    QJsonObject after = stored;
    maskSecrets(before, after);
    const QString diff = Diff::unifiedDiff(yamlLines(before), yamlLines(after));
    const auto result = created ? ApplyOutcome::Result::Created
                                : (diff.isEmpty() ? ApplyOutcome::Result::Unchanged : ApplyOutcome::Result::Configured);
    m_outcomes.append(
        {m_objects[m_index].displayName(),
         m_namespace,
         result,
         diff,
         QStringLiteral("%1 %2").arg(m_objects[m_index].displayName(), resultWord(result, m_dryRun))
             + (m_keptColour.isEmpty()
                    ? QString()
                    : QStringLiteral(" (its selector keeps color=%1, the colour the promotion selects)")
                          .arg(m_keptColour)),
         stored.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString(),
         {}});
    record(m_outcomes.constLast(), stored);
    Q_EMIT objectFinished(m_outcomes.constLast());
    next();
}

void ManifestApplier::conflicted(const Kube::ApiError &error)
{
    ApplyOutcome outcome;
    outcome.object = m_objects[m_index].displayName();
    outcome.namespaceName = m_namespace;
    outcome.result = ApplyOutcome::Result::Conflict;
    static const QRegularExpression managerInCause(QStringLiteral("^conflict with \"(.*)\""));
    for (const auto &cause : error.causes) {
        const auto match = managerInCause.match(cause.message);
        outcome.conflicts.append({match.hasMatch() ? match.captured(1) : cause.message, cause.field});
    }
    outcome.message = QStringLiteral("%1: %2").arg(outcome.object, error.message);
    m_outcomes.append(outcome);
    record(outcome, {});
    Q_EMIT objectFinished(outcome);
    next();
}

void ManifestApplier::fail(const QString &message)
{
    const auto &object = m_objects.value(m_index);
    ApplyOutcome outcome;
    outcome.object = object.displayName();
    outcome.namespaceName = m_namespace;
    outcome.result = ApplyOutcome::Result::Failed;
    outcome.message = message;
    m_outcomes.append(outcome);
    record(outcome, {});
    Q_EMIT objectFinished(outcome);
    // Like kubectl, one refused object does not stop the others.
    next();
}

void ManifestApplier::record(const ApplyOutcome &outcome, const QJsonObject &stored)
{
    if (m_dryRun || !m_audit)
        return;
    const auto &manifest = m_objects[m_index];
    const QString uid = stored.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")).toString();
    Audit::AuditRecord record;
    record.namespaceName = m_namespace;
    record.verb = QStringLiteral("apply");
    record.object = manifest.displayName();
    record.uid = uid;
    record.detail = outcome.summary();
    const bool refused
        = outcome.result == ApplyOutcome::Result::Failed || outcome.result == ApplyOutcome::Result::Conflict;
    record.outcome = refused ? Audit::Outcome::Failed : Audit::Outcome::Succeeded;
    record.message = outcome.message;
    // Only a change is news on the object; "unchanged" stays in the local trail.
    std::optional<Audit::EventSubject> subject;
    if (outcome.result != ApplyOutcome::Result::Unchanged && !uid.isEmpty() && m_type.namespaced)
        subject = Audit::EventSubject{manifest.apiVersion(), manifest.kind(), m_namespace, manifest.name(), uid};
    m_audit->record(record, subject, QStringLiteral("LucentApply"));
}

} // namespace Lucent::Core::Apply
