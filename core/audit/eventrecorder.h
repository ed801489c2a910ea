#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Audit {

/// The object a change was made to, as an Event's involvedObject names it.
struct EventSubject {
    QString apiVersion; ///< "apps/v1"
    QString kind; ///< "Deployment"
    QString namespaceName;
    QString name;
    QString uid;
};

/// Posts core/v1 Events about what the console changed, so that teammates see it in
/// `kubectl events` and `kubectl describe` beside the controllers' own. Posting is best
/// effort: a refused or failed post is logged and never fails the change it reports.
class EventRecorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventRecorder)

public:
    static constexpr const char *Component = "lucent-console";

    explicit EventRecorder(Kube::KubeClient *client, QObject *parent = nullptr);

    /// Posts a Normal event with @p reason ("LucentRestart") and @p message about @p subject.
    void post(const EventSubject &subject, const QString &reason, const QString &action, const QString &message);

    /// The Event object post() sends (a generated name, count 1, both timestamps @p now,
    /// reportingComponent and source.component lucent-console).
    static QJsonObject event(const EventSubject &subject, const QString &reason, const QString &action,
                             const QString &message, const QDateTime &now, const QString &instance);

Q_SIGNALS:
    /// The server's answer to one post; @p error is empty when the Event was created.
    void postFinished(const QString &reason, const QString &error);

private:
    QPointer<Kube::KubeClient> m_client;
};

} // namespace Lucent::Core::Audit
