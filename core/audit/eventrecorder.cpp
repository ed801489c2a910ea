#include "core/audit/eventrecorder.h"

#include "core/kube/kubeclient.h"
#include "core/logging/logging.h"

#include <QHostInfo>

namespace Lucent::Core::Audit {

namespace {

const auto &log()
{
    static auto logger = Logging::logger("lucent.core.audit");
    return logger;
}

// The API server caps an Event's message at 1 KiB (validation's "note" limit); cut, do not fail.
constexpr int MaxMessage = 1024;

} // namespace

EventRecorder::EventRecorder(Kube::KubeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

QJsonObject EventRecorder::event(const EventSubject &subject, const QString &reason, const QString &action,
                                 const QString &message, const QDateTime &now, const QString &instance)
{
    const QString time = now.toUTC().toString(Qt::ISODate);
    QJsonObject involved{{QStringLiteral("apiVersion"), subject.apiVersion},
                         {QStringLiteral("kind"), subject.kind},
                         {QStringLiteral("namespace"), subject.namespaceName},
                         {QStringLiteral("name"), subject.name}};
    if (!subject.uid.isEmpty())
        involved.insert(QStringLiteral("uid"), subject.uid);
    return QJsonObject{
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Event")},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("generateName"), QString(subject.name + QLatin1Char('.'))},
                     {QStringLiteral("namespace"), subject.namespaceName}}},
        {QStringLiteral("involvedObject"), involved},
        {QStringLiteral("type"), QStringLiteral("Normal")},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("action"), action},
        {QStringLiteral("message"), message.left(MaxMessage)},
        {QStringLiteral("source"), QJsonObject{{QStringLiteral("component"), QString::fromLatin1(Component)}}},
        {QStringLiteral("reportingComponent"), QString::fromLatin1(Component)},
        {QStringLiteral("reportingInstance"), instance},
        {QStringLiteral("firstTimestamp"), time},
        {QStringLiteral("lastTimestamp"), time},
        {QStringLiteral("count"), 1},
    };
}

void EventRecorder::post(const EventSubject &subject, const QString &reason, const QString &action,
                         const QString &message)
{
    if (!m_client)
        return;
    const QJsonObject body = event(subject, reason, action, message, QDateTime::currentDateTimeUtc(),
                                   QString::fromLatin1(Component) + QLatin1Char('@') + QHostInfo::localHostName());
    Kube::KubeReply *reply = m_client->create(Kube::ResourceType::events(), subject.namespaceName, body);
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, reason, subject] {
        const QString error = reply->error().isError() ? reply->error().sentence() : QString();
        if (!error.isEmpty())
            log()->warn("The {} event about {}/{} was not recorded: {}", reason.toStdString(),
                        subject.kind.toStdString(), subject.name.toStdString(), error.toStdString());
        Q_EMIT postFinished(reason, error);
    });
}

} // namespace Lucent::Core::Audit
