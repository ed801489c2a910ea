#pragma once

#include "core/kube/accessreview.h"
#include "core/kube/kuberequest.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Lucent::Core::Release {

/// What a release engineer can do to a Deployment from the dashboard.
enum class RolloutAction { Restart, Scale, Pause, Resume, Undo };

QString rolloutActionName(RolloutAction action);

/// One entry of a Deployment's history: a ReplicaSet and the pod template it carries.
struct Revision {
    int number = 0;
    QString replicaSet;
    QStringList images;
    QString changeCause;
    QDateTime created;
    QJsonObject podTemplate; ///< without the pod-template-hash label
};

/// What the dashboard's actions read before they are built (RolloutOperation builds them).
class RolloutActions final
{
public:
    /// The access review that says whether the current user may perform @p action.
    static Kube::AccessQuery accessQuery(RolloutAction action, const QString &ns, const QString &deployment = {});

    /// The Deployment's revisions, newest first, from the ReplicaSets it owns.
    static QList<Revision> history(const QJsonObject &deployment, const QList<QJsonObject> &replicaSets);
    /// A line diff of two pod templates as indented JSON ("- old", "+ new"), for review
    /// before an undo.
    static QString templateDiff(const QJsonObject &from, const QJsonObject &to);
};

} // namespace Lucent::Core::Release
