#include "core/release/failureevidence.h"

#include "core/kube/jsonat.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/kuberequest.h"
#include "core/kube/resourcetype.h"
#include "core/logging/redaction.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace Lucent::Core::Release {

namespace {

/// The last @p count lines of @p text, redacted; a timestamp the API put first is kept.
QStringList lastLines(const QByteArray &text, int count)
{
    QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    for (QString &line : lines)
        line = Redaction::redact(line);
    return lines;
}

QString logName(const ContainerLog &log)
{
    return QStringLiteral("%1/%2%3").arg(log.pod, log.container,
                                         log.previous ? QStringLiteral(" (before its last restart)") : QString());
}

} // namespace

QString FailureEvidence::summary() const
{
    QStringList parts;
    int lines = 0;
    for (const ContainerLog &log : logs)
        lines += int(log.lines.size());
    parts.append(QObject::tr("Kept before the %1 colour was scaled to 0: %2 log lines of %3 containers, %4 events.")
                     .arg(colour)
                     .arg(lines)
                     .arg(logs.size())
                     .arg(events.size()));
    QStringList warnings;
    for (const EvidenceEvent &event : events) {
        const QString text = QStringLiteral("%1 %2: %3").arg(event.object, event.reason, event.message);
        if (event.type == QLatin1String("Warning") && !warnings.contains(text) && warnings.size() < 3)
            warnings.append(text);
    }
    for (const QString &warning : std::as_const(warnings))
        parts.append(QObject::tr("Warning: %1").arg(warning));
    for (const ContainerLog &log : logs) {
        if (!log.lines.isEmpty() && parts.size() < 8)
            parts.append(QObject::tr("%1 last said: %2").arg(logName(log), log.lines.constLast().left(200)));
    }
    parts += measurements;
    parts += problems;
    return parts.join(QLatin1Char('\n'));
}

QString FailureEvidence::text() const
{
    QStringList out;
    out.append(summary());
    if (!events.isEmpty()) {
        out.append(QString());
        out.append(QObject::tr("Events:"));
        for (const EvidenceEvent &event : events)
            out.append(QStringLiteral("  %1  %2  %3  %4: %5%6")
                           .arg(event.last, event.type, event.object, event.reason, event.message,
                                event.count > 1 ? QObject::tr(" (%1 times)").arg(event.count) : QString()));
    }
    for (const ContainerLog &log : logs) {
        out.append(QString());
        out.append(QObject::tr("Log of %1:").arg(logName(log)));
        if (!log.problem.isEmpty())
            out.append(QStringLiteral("  ") + log.problem);
        for (const QString &line : log.lines)
            out.append(QStringLiteral("  ") + line);
    }
    return out.join(QLatin1Char('\n'));
}

QJsonObject FailureEvidence::toJson() const
{
    QJsonArray logArray;
    for (const ContainerLog &log : logs)
        logArray.append(QJsonObject{{QStringLiteral("pod"), log.pod},
                                    {QStringLiteral("container"), log.container},
                                    {QStringLiteral("previous"), log.previous},
                                    {QStringLiteral("lines"), QJsonArray::fromStringList(log.lines)},
                                    {QStringLiteral("problem"), log.problem}});
    QJsonArray eventArray;
    for (const EvidenceEvent &event : events)
        eventArray.append(QJsonObject{{QStringLiteral("object"), event.object},
                                      {QStringLiteral("type"), event.type},
                                      {QStringLiteral("reason"), event.reason},
                                      {QStringLiteral("message"), event.message},
                                      {QStringLiteral("count"), event.count},
                                      {QStringLiteral("last"), event.last}});
    return {{QStringLiteral("colour"), colour},
            {QStringLiteral("deployments"), QJsonArray::fromStringList(deployments)},
            {QStringLiteral("collected"), collected},
            {QStringLiteral("logs"), logArray},
            {QStringLiteral("events"), eventArray},
            {QStringLiteral("measurements"), QJsonArray::fromStringList(measurements)},
            {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}};
}

FailureEvidence FailureEvidence::fromJson(const QJsonObject &json)
{
    const auto strings = [](const QJsonValue &value) {
        QStringList list;
        for (const QJsonValue &item : value.toArray())
            list.append(item.toString());
        return list;
    };
    FailureEvidence evidence;
    evidence.colour = json.value(QLatin1String("colour")).toString();
    evidence.deployments = strings(json.value(QLatin1String("deployments")));
    evidence.collected = json.value(QLatin1String("collected")).toString();
    for (const QJsonValue &item : json.value(QLatin1String("logs")).toArray()) {
        const QJsonObject log = item.toObject();
        evidence.logs.append({log.value(QLatin1String("pod")).toString(),
                              log.value(QLatin1String("container")).toString(),
                              log.value(QLatin1String("previous")).toBool(), strings(log.value(QLatin1String("lines"))),
                              log.value(QLatin1String("problem")).toString()});
    }
    for (const QJsonValue &item : json.value(QLatin1String("events")).toArray()) {
        const QJsonObject event = item.toObject();
        evidence.events.append(
            {event.value(QLatin1String("object")).toString(), event.value(QLatin1String("type")).toString(),
             event.value(QLatin1String("reason")).toString(), event.value(QLatin1String("message")).toString(),
             event.value(QLatin1String("count")).toInt(1), event.value(QLatin1String("last")).toString()});
    }
    evidence.measurements = strings(json.value(QLatin1String("measurements")));
    evidence.problems = strings(json.value(QLatin1String("problems")));
    return evidence;
}

EvidenceCollector::EvidenceCollector(Kube::KubeClient *client, QString namespaceName, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_evidence.problems.append(
            tr("Some logs or events were not answered within %1 s and are missing.").arg(m_deadline.interval() / 1000));
        finish();
    });
}

void EvidenceCollector::collect(const QStringList &services, const QString &colour, const QStringList &deployments,
                                Done done, int timeoutMs)
{
    m_evidence = {};
    m_evidence.colour = colour;
    m_evidence.deployments = deployments;
    m_finished = std::move(done);
    m_done = false;
    m_pods.clear();
    m_replicaSets.clear();
    if (!m_client || services.isEmpty()) {
        finish();
        return;
    }
    m_selector = QStringLiteral("app in (%1),color=%2").arg(services.join(QLatin1Char(',')), colour);
    m_deadline.start(timeoutMs);
    m_listing = true;
    m_pending = 3;
    Kube::ListOptions byLabels;
    byLabels.labelSelector = m_selector;
    auto *pods = m_client->list(Kube::ResourceType::pods(), m_namespace, byLabels);
    connect(pods, &Kube::KubeReply::finished, this, [this, pods] {
        if (pods->error().isError())
            m_evidence.problems.append(tr("The pods could not be listed: %1").arg(pods->error().sentence()));
        for (const QJsonValue &item : pods->json().value(QLatin1String("items")).toArray())
            m_pods.append(item.toObject());
        answered();
    });
    auto *replicaSets = m_client->list(Kube::ResourceType::replicaSets(), m_namespace, byLabels);
    connect(replicaSets, &Kube::KubeReply::finished, this, [this, replicaSets] {
        for (const QJsonValue &item : replicaSets->json().value(QLatin1String("items")).toArray())
            m_replicaSets.append(Kube::jsonAt(item.toObject(), {"metadata", "name"}).toString());
        answered();
    });
    auto *events = m_client->list(Kube::ResourceType::events(), m_namespace, {});
    connect(events, &Kube::KubeReply::finished, this, [this, events] {
        if (events->error().isError())
            m_evidence.problems.append(tr("The events could not be listed: %1").arg(events->error().sentence()));
        m_eventList = events->json();
        answered();
    });
}

void EvidenceCollector::answered()
{
    if (m_done || --m_pending > 0)
        return;
    if (std::exchange(m_listing, false))
        listed(); // the pods are known: on to their logs
    else
        finish();
}

void EvidenceCollector::listed()
{
    pickEvents(std::exchange(m_eventList, {}));
    m_pending = 1; // the loop's own, so that answers arriving during it cannot finish early
    for (const QJsonObject &pod : std::as_const(m_pods))
        readLogs(pod);
    answered();
}

void EvidenceCollector::readLogs(const QJsonObject &pod)
{
    const QString name = Kube::jsonAt(pod, {"metadata", "name"}).toString();
    QHash<QString, int> restarts;
    for (const QJsonValue &status : Kube::jsonAt(pod, {"status", "containerStatuses"}).toArray())
        restarts.insert(status[QLatin1String("name")].toString(), status[QLatin1String("restartCount")].toInt());
    for (const QJsonValue &container : Kube::jsonAt(pod, {"spec", "containers"}).toArray()) {
        const QString containerName = container[QLatin1String("name")].toString();
        if (restarts.value(containerName) > 0)
            readLog(name, containerName, true);
        readLog(name, containerName, false);
    }
}

void EvidenceCollector::readLog(const QString &pod, const QString &container, bool previous)
{
    const int index = int(m_evidence.logs.size());
    m_evidence.logs.append({pod, container, previous, {}, {}});
    Kube::KubeRequest request;
    request.path = Kube::ResourceType::pods().objectPath(m_namespace, pod, QStringLiteral("log"));
    request.accept = QByteArrayLiteral("*/*");
    request.query.addQueryItem(QStringLiteral("container"), container);
    request.query.addQueryItem(QStringLiteral("tailLines"), QString::number(FailureEvidence::LinesPerContainer));
    request.query.addQueryItem(QStringLiteral("limitBytes"), QString::number(256 * 1024));
    request.query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
    if (previous)
        request.query.addQueryItem(QStringLiteral("previous"), QStringLiteral("true"));
    ++m_pending;
    Kube::KubeReply *reply = m_client->send(std::move(request));
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, index] {
        if (m_done)
            return;
        ContainerLog &log = m_evidence.logs[index];
        if (reply->error().isError())
            log.problem = tr("Its log could not be read: %1").arg(reply->error().sentence());
        else
            log.lines = lastLines(reply->body(), FailureEvidence::LinesPerContainer);
        answered();
    });
}

void EvidenceCollector::pickEvents(const QJsonObject &list)
{
    QSet<QString> objects;
    for (const QString &deployment : std::as_const(m_evidence.deployments))
        objects.insert(QStringLiteral("Deployment/") + deployment);
    for (const QString &replicaSet : std::as_const(m_replicaSets))
        objects.insert(QStringLiteral("ReplicaSet/") + replicaSet);
    for (const QJsonObject &pod : std::as_const(m_pods))
        objects.insert(QStringLiteral("Pod/") + Kube::jsonAt(pod, {"metadata", "name"}).toString());
    for (const QJsonValue &item : list.value(QLatin1String("items")).toArray()) {
        const QJsonObject event = item.toObject();
        const QString kind = Kube::jsonAt(event, {"involvedObject", "kind"}).toString();
        const QString name = Kube::jsonAt(event, {"involvedObject", "name"}).toString();
        if (!objects.contains(kind + QLatin1Char('/') + name))
            continue;
        QString last = event.value(QLatin1String("lastTimestamp")).toString();
        if (last.isEmpty())
            last = event.value(QLatin1String("eventTime")).toString();
        m_evidence.events.append({kind.toLower() + QLatin1Char('/') + name,
                                  event.value(QLatin1String("type")).toString(),
                                  event.value(QLatin1String("reason")).toString(),
                                  Redaction::redact(event.value(QLatin1String("message")).toString()),
                                  qMax(1, event.value(QLatin1String("count")).toInt()), last});
    }
    std::stable_sort(m_evidence.events.begin(), m_evidence.events.end(),
                     [](const EvidenceEvent &a, const EvidenceEvent &b) { return a.last < b.last; });
    if (m_evidence.events.size() > FailureEvidence::MaxEvents)
        m_evidence.events = m_evidence.events.mid(m_evidence.events.size() - FailureEvidence::MaxEvents);
}

void EvidenceCollector::finish()
{
    if (std::exchange(m_done, true))
        return;
    m_deadline.stop();
    m_evidence.collected = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    if (m_finished)
        m_finished(m_evidence);
}

} // namespace Lucent::Core::Release
