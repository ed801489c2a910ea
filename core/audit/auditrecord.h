#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace Lucent::Core::Audit {

/// How a change the console attempted ended.
enum class Outcome { Succeeded, Failed, Denied };
QString outcomeName(Outcome outcome);

/// One line of the audit trail: who changed what, where, and what the server said.
struct AuditRecord {
    QDateTime time; ///< when the outcome was known; now() when empty
    QString user; ///< the cluster user (kubeconfig) or, without one, the local account
    QString context; ///< the kube context, or the Alertmanager URL for silences
    QString namespaceName;
    QString verb; ///< restart, scale, pause, resume, undo, apply, create-silence, expire-silence
    QString object; ///< "deployment/wallet-service", "silence/<id>"
    QString uid; ///< of the object acted on, when known
    QString detail; ///< what exactly: "to 3 replicas", "to revision 4"
    Outcome outcome = Outcome::Failed;
    QString message; ///< the server's words, or ours when it never got that far

    /// The record as written: every text passes the redaction filter first, so a token that
    /// a server echoes in its message never reaches the file.
    QJsonObject toJson() const;
};

/// The local account, for records of services that know no cluster user (Alertmanager).
QString localUserName();

} // namespace Lucent::Core::Audit
