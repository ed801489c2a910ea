#include "core/alerting/silenceoperations.h"

#include "core/audit/audittrail.h"
#include "core/prometheus/prometheusclient.h"

namespace Lucent::Core::Alerting {

using Prometheus::AlertmanagerResponse;
using Prometheus::PrometheusError;
using Prometheus::PrometheusReply;
using Prometheus::Silence;

SilenceOperations::SilenceOperations(Prometheus::AlertmanagerClient *alertmanager, Audit::AuditTrail *audit,
                                     QString namespaceName, Prometheus::Labels scope, QObject *parent)
    : QObject(parent)
    , m_alertmanager(alertmanager)
    , m_audit(audit)
    , m_namespace(std::move(namespaceName))
    , m_scope(std::move(scope))
{
}

QList<Silence> SilenceOperations::forScope(QList<Silence> silences, const Prometheus::Labels &scope)
{
    silences.removeIf([&scope](const Silence &silence) { return !silence.appliesTo(scope); });
    // Newest first: what was just created is at the top.
    std::stable_sort(silences.begin(), silences.end(),
                     [](const Silence &a, const Silence &b) { return a.updatedAt > b.updatedAt; });
    return silences;
}

void SilenceOperations::list()
{
    if (!m_alertmanager)
        return;
    PrometheusReply *reply = m_alertmanager->silences();
    const int generation = ++m_listGeneration;
    connect(reply, &PrometheusReply::finished, this, [this, reply, generation] {
        if (generation != m_listGeneration)
            return; // a newer list is under way
        PrometheusError error = reply->error();
        std::optional<QList<Silence>> silences;
        if (!error.isError())
            silences = AlertmanagerResponse::silences(reply->body(), reply->httpStatus(), &error);
        if (silences)
            Q_EMIT listed(forScope(*silences, m_scope));
        else
            Q_EMIT listFailed(error);
    });
}

void SilenceOperations::create(const Silence &silence)
{
    if (!m_alertmanager)
        return;
    PrometheusReply *reply = m_alertmanager->createSilence(silence);
    connect(reply, &PrometheusReply::finished, this, [this, reply, silence] {
        PrometheusError error = reply->error();
        std::optional<QString> id;
        if (!error.isError())
            id = AlertmanagerResponse::createdSilence(reply->body(), reply->httpStatus(), &error);
        Silence created = silence;
        created.id = id.value_or(QString());
        record(QStringLiteral("create-silence"), created, error);
        Q_EMIT changed(id.has_value(),
                       id ? QStringLiteral("Silence %1 created for %2.").arg(*id, silence.matchersText())
                          : QStringLiteral("The silence was not created. %1").arg(error.sentence()),
                       created);
    });
}

void SilenceOperations::expire(const Silence &silence)
{
    if (!m_alertmanager)
        return;
    PrometheusReply *reply = m_alertmanager->expireSilence(silence.id);
    connect(reply, &PrometheusReply::finished, this, [this, reply, silence] {
        PrometheusError error = reply->error();
        if (!error.isError())
            AlertmanagerResponse::expired(reply->body(), reply->httpStatus(), &error);
        record(QStringLiteral("expire-silence"), silence, error);
        Q_EMIT changed(!error.isError(),
                       error.isError()
                           ? QStringLiteral("Silence %1 was not expired. %2").arg(silence.id, error.sentence())
                           : QStringLiteral("Silence %1 expired.").arg(silence.id),
                       silence);
    });
}

void SilenceOperations::record(const QString &verb, const Silence &silence, const PrometheusError &error)
{
    if (!m_audit)
        return;
    Audit::AuditRecord record;
    record.user = silence.createdBy;
    // Alertmanager is not the cluster: name it, so that the record says where the change went.
    record.context = m_alertmanager ? m_alertmanager->baseUrl().toDisplayString(QUrl::RemoveUserInfo) : QString();
    record.namespaceName = m_namespace;
    record.verb = verb;
    record.object = silence.id.isEmpty() ? QStringLiteral("silence") : QStringLiteral("silence/") + silence.id;
    record.detail = silence.matchersText()
        + (silence.endsAt.isValid() ? QStringLiteral(" until ") + silence.endsAt.toUTC().toString(Qt::ISODate)
                                    : QString())
        + (silence.comment.isEmpty() ? QString() : QStringLiteral(": ") + silence.comment);
    record.outcome = error.isError() ? Audit::Outcome::Failed : Audit::Outcome::Succeeded;
    record.message = error.isError() ? error.sentence() : QString();
    m_audit->record(record);
}

} // namespace Lucent::Core::Alerting
