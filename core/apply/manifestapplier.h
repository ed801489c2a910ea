#pragma once

#include "core/kube/resourcetype.h"
#include "core/validation/manifestjson.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace Lucent::Core::Kube {
class ApiError;
class KubeClient;
class KubeReply;
} // namespace Lucent::Core::Kube

namespace Lucent::Core::Audit {
class AuditTrail;
}

namespace Lucent::Core::Apply {

/// A field the server-side apply would have changed that another field manager owns.
struct FieldConflict {
    QString manager; ///< "kubectl-client-side-apply"
    QString field; ///< ".spec.replicas"
};

/// What happened to one object of a diff or an apply.
struct ApplyOutcome {
    enum class Result { Created, Configured, Unchanged, Conflict, Failed };
    QString object; ///< "Deployment/wallet-service"
    QString namespaceName;
    Result result = Result::Failed;
    QString diff; ///< unified diff of the live object against the server's answer
    QString message; ///< the server's words, or ours when it never got that far
    QString resourceVersion; ///< after a real apply
    QList<FieldConflict> conflicts; ///< for Conflict: whose fields, which ones

    /// "deployment.apps/wallet-service configured", as kubectl reports it.
    QString summary() const;
};

/// Sends manifest objects to the API server the way 'kubectl diff' and 'kubectl apply
/// --server-side' do, with fieldValidation=Strict so that a misspelt field is an error, not a
/// silent drop:
///  - the REST resource comes from discovery (/api/v1, /apis/GROUP/VERSION), cached;
///  - each object is server-side applied (application/apply-patch+yaml, fieldManager
///    lucent-console): the server creates it or merges it and tracks who owns which field. A
///    field another manager owns with another value is a Conflict outcome naming the manager
///    and the fields; applying with forceConflicts takes them over;
///  - a server without server-side apply (it answers 415) gets the client-side way: an object
///    that does not exist is created (POST), one that does is patched (a strategic merge patch
///    of the manifest for built-in kinds, a merge patch for others);
///  - with dryRun, the same requests carry dryRun=All and change nothing, and the diff shows
///    the live object against what the server would store.
/// Objects go one at a time, in file order, as kubectl sends them.
class ManifestApplier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestApplier)

public:
    ManifestApplier(Kube::KubeClient *client, QString defaultNamespace, QObject *parent = nullptr);
    ~ManifestApplier() override;

    /// Real applies record each object's outcome there (dry runs change nothing and do not).
    void setAuditTrail(Audit::AuditTrail *audit);
    void start(const QList<Validation::ManifestObject> &objects, bool dryRun, bool forceConflicts = false);
    bool isRunning() const { return m_running; }
    bool isDryRun() const { return m_dryRun; }

    static constexpr const char *FieldManager = "lucent-console";

Q_SIGNALS:
    void objectFinished(const Lucent::Core::Apply::ApplyOutcome &outcome);
    void finished(const QList<Lucent::Core::Apply::ApplyOutcome> &outcomes);

private:
    void next();
    void resolved(const Kube::ResourceType &type);
    void gotLive(Kube::KubeReply *reply);
    void gotResult(Kube::KubeReply *reply, bool created);
    void conflicted(const Kube::ApiError &error);
    void fail(const QString &message);
    void record(const ApplyOutcome &outcome, const QJsonObject &stored);

    QPointer<Kube::KubeClient> m_client;
    QPointer<Audit::AuditTrail> m_audit;
    QString m_defaultNamespace;
    QList<Validation::ManifestObject> m_objects;
    QList<ApplyOutcome> m_outcomes;
    QHash<QString, QList<Kube::ResourceType>> m_discovery; ///< apiVersion -> its resources
    int m_index = -1;
    bool m_dryRun = false;
    bool m_force = false;
    bool m_serverSideApply = true; ///< until the server says it has none
    bool m_running = false;
    Kube::ResourceType m_type;
    QString m_namespace;
    QJsonObject m_live;
    QString m_keptColour; ///< the live colour kept in the current Service's selector, if any
};

} // namespace Lucent::Core::Apply

Q_DECLARE_METATYPE(Lucent::Core::Apply::ApplyOutcome)
