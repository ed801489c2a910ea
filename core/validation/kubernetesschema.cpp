#include "core/validation/kubernetesschema.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>

namespace Lucent::Core::Validation {

namespace {

std::shared_ptr<const FieldType> shared(FieldType type)
{
    return std::make_shared<const FieldType>(std::move(type));
}

FieldType simple(FieldType::Kind kind)
{
    FieldType t;
    t.kind = kind;
    return t;
}

QStringList toStringList(const QJsonValue &value)
{
    QStringList out;
    for (const auto &v : value.toArray()) {
        if (v.isString())
            out.append(v.toString());
    }
    return out;
}

// Turns a cluster's OpenAPI v3 components into our types. Kubernetes spells references as
// allOf: [{$ref}] and int-or-string and quantities as x-kubernetes-int-or-string or oneOf.
class OpenApiConverter
{
public:
    OpenApiConverter(KubernetesSchema &out, const QJsonObject &components)
        : m_out(out)
        , m_components(components)
    {
    }

    void convertNamed(const QString &name)
    {
        if (m_out.types.contains(name) || !m_components.contains(name))
            return;
        m_out.types.insert(name, {}); // guards recursion
        m_out.types[name] = convertObject(m_components.value(name).toObject(), name);
    }

private:
    static QString refName(const QJsonObject &property)
    {
        QString ref = property.value(QLatin1String("$ref")).toString();
        if (ref.isEmpty()) {
            const QJsonArray allOf = property.value(QLatin1String("allOf")).toArray();
            if (allOf.size() == 1)
                ref = allOf.first().toObject().value(QLatin1String("$ref")).toString();
        }
        return ref.mid(ref.lastIndexOf(QLatin1Char('/')) + 1);
    }

    ObjectSchema convertObject(const QJsonObject &schema, const QString &name)
    {
        ObjectSchema object;
        object.preserveUnknownFields = schema.value(QLatin1String("x-kubernetes-preserve-unknown-fields")).toBool();
        object.required = toStringList(schema.value(QLatin1String("required")));
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            const QJsonObject property = it.value().toObject();
            object.fields.insert(it.key(), convertProperty(property, name + QLatin1Char('.') + it.key()));
            QStringList values = toStringList(property.value(QLatin1String("enum")));
            if (values.isEmpty())
                values = toStringList(property.value(QLatin1String("items")).toObject().value(QLatin1String("enum")));
            if (!values.isEmpty())
                object.enums.insert(it.key(), values);
        }
        return object;
    }

    FieldType convertProperty(const QJsonObject &property, const QString &inlineName)
    {
        if (const QString ref = refName(property); !ref.isEmpty()) {
            if (ref.endsWith(QLatin1String(".Quantity")))
                return simple(FieldType::Kind::Quantity);
            if (ref.endsWith(QLatin1String(".Time")) || ref.endsWith(QLatin1String(".MicroTime")))
                return simple(FieldType::Kind::DateTime);
            if (ref.endsWith(QLatin1String(".IntOrString")) || ref.endsWith(QLatin1String(".RawExtension"))
                || ref.endsWith(QLatin1String(".JSON")))
                return simple(FieldType::Kind::Any);
            convertNamed(ref);
            if (!m_out.types.contains(ref))
                return simple(FieldType::Kind::Any); // a dangling reference: do not guess
            FieldType t = simple(FieldType::Kind::Object);
            t.ref = ref;
            return t;
        }
        if (property.value(QLatin1String("x-kubernetes-int-or-string")).toBool()
            || property.contains(QLatin1String("oneOf")) || property.contains(QLatin1String("anyOf")))
            return simple(FieldType::Kind::Any);
        const QString type = property.value(QLatin1String("type")).toString();
        if (type == QLatin1String("string"))
            return simple(property.value(QLatin1String("format")).toString() == QLatin1String("date-time")
                              ? FieldType::Kind::DateTime
                              : FieldType::Kind::String);
        if (type == QLatin1String("integer"))
            return simple(FieldType::Kind::Integer);
        if (type == QLatin1String("number"))
            return simple(FieldType::Kind::Number);
        if (type == QLatin1String("boolean"))
            return simple(FieldType::Kind::Boolean);
        if (type == QLatin1String("array")) {
            FieldType t = simple(FieldType::Kind::List);
            t.element = shared(convertProperty(property.value(QLatin1String("items")).toObject(), inlineName));
            return t;
        }
        if (type == QLatin1String("object")) {
            if (property.contains(QLatin1String("properties"))) {
                m_out.types.insert(inlineName, convertObject(property, inlineName));
                FieldType t = simple(FieldType::Kind::Object);
                t.ref = inlineName;
                return t;
            }
            const QJsonValue extra = property.value(QLatin1String("additionalProperties"));
            if (extra.isObject()) {
                FieldType t = simple(FieldType::Kind::Map);
                t.element = shared(convertProperty(extra.toObject(), inlineName));
                return t;
            }
        }
        return simple(FieldType::Kind::Any);
    }

    KubernetesSchema &m_out;
    const QJsonObject &m_components;
};

} // namespace

FieldType FieldType::parse(const QString &spelling)
{
    static const QHash<QString, Kind> scalars{
        {QStringLiteral("str"), Kind::String},        {QStringLiteral("int"), Kind::Integer},
        {QStringLiteral("float"), Kind::Number},      {QStringLiteral("bool"), Kind::Boolean},
        {QStringLiteral("datetime"), Kind::DateTime}, {QStringLiteral("date"), Kind::DateTime},
        {QStringLiteral("quantity"), Kind::Quantity}, {QStringLiteral("object"), Kind::Any}};
    const QString s = spelling.trimmed();
    if (auto it = scalars.constFind(s); it != scalars.constEnd())
        return simple(*it);
    if (s.startsWith(QLatin1String("list[")) && s.endsWith(QLatin1Char(']'))) {
        FieldType t = simple(Kind::List);
        t.element = shared(parse(s.mid(5, s.size() - 6)));
        return t;
    }
    if (s.startsWith(QLatin1String("dict(")) && s.endsWith(QLatin1Char(')'))) {
        FieldType t = simple(Kind::Map);
        t.element = shared(parse(s.mid(s.indexOf(QLatin1Char(',')) + 1).chopped(1)));
        return t;
    }
    FieldType t = simple(Kind::Object);
    t.ref = s;
    return t;
}

QString FieldType::describe() const
{
    switch (kind) {
    case Kind::String: return QStringLiteral("a string");
    case Kind::Integer: return QStringLiteral("an integer");
    case Kind::Number: return QStringLiteral("a number");
    case Kind::Boolean: return QStringLiteral("true or false");
    case Kind::DateTime: return QStringLiteral("a date-time string");
    case Kind::Quantity: return QStringLiteral("a quantity such as 512Mi or 250m");
    case Kind::Any: return QStringLiteral("any value");
    case Kind::Object: return QStringLiteral("a mapping of fields");
    case Kind::List: return QStringLiteral("a list");
    case Kind::Map: return QStringLiteral("a mapping of names to values");
    }
    return {};
}

std::shared_ptr<const KubernetesSchema> KubernetesSchema::bundled()
{
    static QMutex mutex;
    static std::shared_ptr<const KubernetesSchema> cached;
    QMutexLocker lock(&mutex);
    if (!cached) {
        QFile file(QStringLiteral(":/schema/kubernetes-schema.json"));
        QString error;
        std::shared_ptr<KubernetesSchema> loaded;
        if (file.open(QIODevice::ReadOnly))
            loaded = fromBundledJson(file.readAll(), &error);
        // The file is built in; without it the schema checks are off, never a crash.
        cached = loaded ? loaded : std::make_shared<KubernetesSchema>();
    }
    return cached;
}

std::shared_ptr<KubernetesSchema> KubernetesSchema::fromBundledJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("the schema file is not valid JSON: %1").arg(parseError.errorString());
        return nullptr;
    }
    auto schema = std::make_shared<KubernetesSchema>();
    const QJsonObject root = doc.object();
    schema->kubernetesVersion = root.value(QLatin1String("kubernetesVersion")).toString();
    schema->source = root.value(QLatin1String("source")).toString();
    const QJsonObject kinds = root.value(QLatin1String("kinds")).toObject();
    for (auto it = kinds.begin(); it != kinds.end(); ++it)
        schema->kinds.insert(it.key(), it.value().toString());
    const QJsonObject types = root.value(QLatin1String("types")).toObject();
    for (auto it = types.begin(); it != types.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        ObjectSchema object;
        const QJsonObject fields = entry.value(QLatin1String("fields")).toObject();
        for (auto f = fields.begin(); f != fields.end(); ++f)
            object.fields.insert(f.key(), FieldType::parse(f.value().toString()));
        object.required = toStringList(entry.value(QLatin1String("required")));
        const QJsonObject enums = entry.value(QLatin1String("enums")).toObject();
        for (auto e = enums.begin(); e != enums.end(); ++e)
            object.enums.insert(e.key(), toStringList(e.value()));
        schema->types.insert(it.key(), object);
    }
    return schema;
}

std::shared_ptr<KubernetesSchema> KubernetesSchema::fromOpenApiV3(const QList<QJsonObject> &documents,
                                                                  const QString &serverVersion)
{
    auto schema = std::make_shared<KubernetesSchema>();
    schema->kubernetesVersion = serverVersion;
    schema->source = QStringLiteral("the cluster's /openapi/v3");
    for (const QJsonObject &document : documents) {
        const QJsonObject components
            = document.value(QLatin1String("components")).toObject().value(QLatin1String("schemas")).toObject();
        OpenApiConverter converter(*schema, components);
        for (auto it = components.begin(); it != components.end(); ++it) {
            const QJsonArray gvks
                = it.value().toObject().value(QLatin1String("x-kubernetes-group-version-kind")).toArray();
            for (const auto &value : gvks) {
                const QJsonObject gvk = value.toObject();
                const QString group = gvk.value(QLatin1String("group")).toString();
                const QString version = gvk.value(QLatin1String("version")).toString();
                const QString kind = gvk.value(QLatin1String("kind")).toString();
                const QString key
                    = (group.isEmpty() ? version : group + QLatin1Char('/') + version) + QLatin1Char('/') + kind;
                // Each group-version document also repeats shared kinds such as DeleteOptions.
                if (kind.endsWith(QLatin1String("Options")) || kind == QLatin1String("Status")
                    || kind == QLatin1String("WatchEvent"))
                    continue;
                converter.convertNamed(it.key());
                schema->kinds.insert(key, it.key());
            }
        }
    }
    return schema;
}

const ObjectSchema *KubernetesSchema::rootFor(const QString &apiVersion, const QString &kind) const
{
    const auto it = kinds.constFind(apiVersion + QLatin1Char('/') + kind);
    return it == kinds.constEnd() ? nullptr : type(*it);
}

const ObjectSchema *KubernetesSchema::type(const QString &name) const
{
    const auto it = types.constFind(name);
    return it == types.constEnd() ? nullptr : &*it;
}

bool KubernetesSchema::knowsApiVersion(const QString &apiVersion) const
{
    const QString prefix = apiVersion + QLatin1Char('/');
    for (auto it = kinds.constBegin(); it != kinds.constEnd(); ++it) {
        if (it.key().startsWith(prefix) && !it.key().mid(prefix.size()).contains(QLatin1Char('/')))
            return true;
    }
    return false;
}

} // namespace Lucent::Core::Validation
