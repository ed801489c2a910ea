#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Lucent::Core::Release {

/// An image a release engineer may want for a service, and where it was seen.
struct ImageSuggestion {
    QString image;
    QString source; ///< "staging serves it", "manifests/base/wallet-service.yaml", "ReplicaSet ... (revision 3)"
};

/// What another environment serves, per service: "promote what staging runs".
struct EnvironmentImages {
    QString environment;
    QHash<QString, QString> images; ///< service -> image
};

/// What each blue-green service's active colour runs (service -> image of its first container):
/// the images "promote what staging runs" takes.
QHash<QString, QString> servingImages(const QList<QJsonObject> &services, const QList<QJsonObject> &deployments);

/// The images @p service's ReplicaSets (label app=service, either colour) ran, newest first,
/// each once: what a Deployment's history offers.
QList<ImageSuggestion> replicaSetImages(const QString &service, const QList<QJsonObject> &replicaSets);

/// The `image:` lines of the YAML files under @p directory whose repository is named after a
/// service (".../wallet-service:2.1.0"): service -> images, each once per file. Reads files:
/// call it off the GUI thread. Stops after @p maxFiles files.
QHash<QString, QList<ImageSuggestion>> manifestImages(const QString &directory, int maxFiles = 2000);

} // namespace Lucent::Core::Release
