#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Lucent::Core::Validation {

/// An API object read from a manifest file, with the line its document starts on.
struct ManifestObject {
    QJsonObject object;
    int line = 1;

    QString apiVersion() const { return object.value(QLatin1String("apiVersion")).toString(); }
    QString kind() const { return object.value(QLatin1String("kind")).toString(); }
    QString name() const;
    QString namespaceName() const;
    /// "Deployment/wallet-service"
    QString displayName() const;
};

/// The API objects of a manifest file, as JSON with YAML's scalar types resolved the way the
/// API server reads them. Kustomization files and empty documents are left out. Returns an
/// empty list and sets @p error when a document does not parse.
QList<ManifestObject> manifestObjects(const QByteArray &text, QString *error);

/// A block-style YAML rendering of @p value, for diffs people read. Keys come in QJsonObject
/// order (sorted), so two renderings of equal objects are equal line for line.
QString toYamlText(const QJsonValue &value);

} // namespace Lucent::Core::Validation
