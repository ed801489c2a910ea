#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace Lucent::Core::Validation {

/// The type of one field, as the API server's decoder sees it.
struct FieldType {
    enum class Kind { String, Integer, Number, Boolean, DateTime, Quantity, Any, Object, List, Map };
    Kind kind = Kind::Any;
    QString ref; ///< the object type, for Object
    std::shared_ptr<const FieldType> element; ///< for List and Map

    /// Reads the bundled file's spelling: "str", "int", "list[V1Container]", "dict(str, quantity)".
    static FieldType parse(const QString &spelling);
    /// "a string", "a list of V1Container objects", ...
    QString describe() const;
};

struct ObjectSchema {
    QHash<QString, FieldType> fields;
    QStringList required;
    QHash<QString, QStringList> enums;
    bool preserveUnknownFields = false; ///< x-kubernetes-preserve-unknown-fields: anything goes
};

/// Field names, types, required fields and enum values of Kubernetes kinds: from the file
/// bundled in resources/ (built-in kinds), or from a cluster's /openapi/v3 (CRDs too).
class KubernetesSchema final
{
public:
    QString kubernetesVersion;
    QString source; ///< where the data came from, for the About box and reports
    QHash<QString, QString> kinds; ///< "apps/v1/Deployment" -> root type name
    QHash<QString, ObjectSchema> types;

    /// The schema bundled with the console; loaded once, shared, thread-safe to read.
    static std::shared_ptr<const KubernetesSchema> bundled();
    static std::shared_ptr<KubernetesSchema> fromBundledJson(const QByteArray &json, QString *error);
    /// Converts the documents of a cluster's /openapi/v3/<group-version> paths.
    static std::shared_ptr<KubernetesSchema> fromOpenApiV3(const QList<QJsonObject> &documents,
                                                           const QString &serverVersion);

    const ObjectSchema *rootFor(const QString &apiVersion, const QString &kind) const;
    const ObjectSchema *type(const QString &name) const;
    /// True when some kind of @p apiVersion is known: a kind missing from it is then an error.
    bool knowsApiVersion(const QString &apiVersion) const;
};

} // namespace Lucent::Core::Validation
