#pragma once

#include "core/prometheus/alertmanager.h"
#include "core/prometheus/prometheuserror.h"

#include <QObject>
#include <QPointer>

namespace Lucent::Core::Audit {
class AuditTrail;
}

namespace Lucent::Core::Alerting {

/// One environment's silences in Alertmanager: listing (only those that can mute the
/// environment's alerts, judged by its alert scope; newest first), creating and expiring, each change recorded in
/// the audit trail. Answers for an older list() or for a namespace no longer shown are
/// dropped here, so a view only hears what is current.
class SilenceOperations final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SilenceOperations)

public:
    /// @p namespaceName is where changes are recorded; @p scope the labels that make an alert
    /// the environment's (lucent.yaml's alertLabels, the namespace by default).
    SilenceOperations(Prometheus::AlertmanagerClient *alertmanager, Audit::AuditTrail *audit, QString namespaceName,
                      Prometheus::Labels scope, QObject *parent = nullptr);

    void list();
    void create(const Prometheus::Silence &silence);
    void expire(const Prometheus::Silence &silence);

    /// Keeps silences that can mute alerts carrying @p scope, newest first.
    static QList<Prometheus::Silence> forScope(QList<Prometheus::Silence> silences, const Prometheus::Labels &scope);

Q_SIGNALS:
    void listed(const QList<Lucent::Core::Prometheus::Silence> &silences);
    void listFailed(const Lucent::Core::Prometheus::PrometheusError &error);
    /// A create or expire ended; on success @p silence carries its id.
    void changed(bool ok, const QString &sentence, const Lucent::Core::Prometheus::Silence &silence);

private:
    void record(const QString &verb, const Prometheus::Silence &silence, const Prometheus::PrometheusError &error);

    QPointer<Prometheus::AlertmanagerClient> m_alertmanager;
    QPointer<Audit::AuditTrail> m_audit;
    QString m_namespace;
    Prometheus::Labels m_scope;
    int m_listGeneration = 0;
};

} // namespace Lucent::Core::Alerting
