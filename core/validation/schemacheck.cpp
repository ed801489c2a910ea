#include "core/validation/schemacheck.h"

#include <QRegularExpression>

#include <algorithm>

namespace Lucent::Core::Validation {

namespace {

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j]
                = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

QString describeValue(const YAML::Node &node)
{
    if (node.IsSequence())
        return QStringLiteral("a list");
    if (node.IsMap())
        return QStringLiteral("a mapping");
    const QString text = scalarText(node);
    switch (scalarType(node)) {
    case ScalarType::Null: return QStringLiteral("null");
    case ScalarType::Boolean: return QStringLiteral("the boolean %1").arg(text);
    case ScalarType::Integer:
    case ScalarType::Float: return QStringLiteral("the number %1").arg(text);
    case ScalarType::String: return QStringLiteral("the string \"%1\"").arg(text);
    }
    return {};
}

bool isQuantity(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$"));
    return re.match(text).hasMatch();
}

class Walker
{
public:
    Walker(const KubernetesSchema &schema, const ManifestDocument &doc, QList<Problem> &problems)
        : m_schema(schema)
        , m_doc(doc)
        , m_problems(problems)
    {
    }

    void object(const ObjectSchema &type, const YAML::Node &node, const YAML::Node &anchor, const QString &path)
    {
        if (type.preserveUnknownFields && type.fields.isEmpty())
            return;
        QStringList present;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const QString key = scalarText(it->first);
            present.append(key);
            const QString fieldPath = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            const auto field = type.fields.constFind(key);
            if (field == type.fields.constEnd()) {
                if (!type.preserveUnknownFields)
                    unknownField(type, it->first, fieldPath, key);
                continue;
            }
            value(*field, it->second, it->first, fieldPath);
            if (auto values = type.enums.constFind(key); values != type.enums.constEnd())
                checkEnum(*values, it->second, fieldPath);
        }
        for (const QString &required : type.required) {
            if (!present.contains(required)) {
                const QString where
                    = path.isEmpty() ? QStringLiteral("The object") : QStringLiteral("\"%1\"").arg(path);
                report(anchor, QStringLiteral("schema-required"),
                       QStringLiteral("%1 is missing the required field \"%2\".").arg(where, required));
            }
        }
    }

private:
    void report(const YAML::Node &at, const QString &rule, const QString &message)
    {
        m_problems.append(m_doc.problemAt(at, Severity::Error, rule, message));
    }

    void unknownField(const ObjectSchema &type, const YAML::Node &key, const QString &path, const QString &name)
    {
        QString message = QStringLiteral("Unknown field \"%1\"; the API server rejects it with "
                                         "fieldValidation=Strict and drops it otherwise.")
                              .arg(path);
        if (const QString guess = closestMatch(name, type.fields.keys()); !guess.isEmpty())
            message += QStringLiteral(" Did you mean \"%1\"?").arg(guess);
        report(key, QStringLiteral("schema-unknown-field"), message);
    }

    void checkEnum(const QStringList &values, const YAML::Node &node, const QString &path)
    {
        auto check = [&](const YAML::Node &item) {
            if (!item.IsScalar() || scalarType(item) == ScalarType::Null)
                return;
            const QString text = scalarText(item);
            if (!values.contains(text))
                report(item, QStringLiteral("schema-enum"),
                       QStringLiteral("Unsupported value \"%1\" for \"%2\"; supported values: %3.")
                           .arg(text, path, values.join(QLatin1String(", "))));
        };
        if (node.IsSequence()) {
            for (const auto &item : node)
                check(item);
        } else {
            check(node);
        }
    }

    void wrongType(const FieldType &type, const YAML::Node &node, const QString &path)
    {
        QString message = QStringLiteral("\"%1\" must be %2, not %3.").arg(path, type.describe(), describeValue(node));
        if (type.kind == FieldType::Kind::String && node.IsScalar())
            message += QStringLiteral(" Quote it: \"%1\".").arg(scalarText(node));
        report(node, QStringLiteral("schema-type"), message);
    }

    void value(const FieldType &type, const YAML::Node &node, const YAML::Node &key, const QString &path)
    {
        using Kind = FieldType::Kind;
        if (scalarType(node) == ScalarType::Null && !node.IsMap() && !node.IsSequence())
            return; // the decoder reads null as the field's zero value
        const ScalarType scalar = node.IsScalar() ? scalarType(node) : ScalarType::Null;
        switch (type.kind) {
        case Kind::Any: return;
        case Kind::String:
        case Kind::DateTime:
            if (!node.IsScalar() || scalar != ScalarType::String)
                wrongType(type, node, path);
            return;
        case Kind::Integer:
            if (!node.IsScalar() || scalar != ScalarType::Integer)
                wrongType(type, node, path);
            return;
        case Kind::Number:
            if (!node.IsScalar() || (scalar != ScalarType::Integer && scalar != ScalarType::Float))
                wrongType(type, node, path);
            return;
        case Kind::Boolean:
            if (!node.IsScalar() || scalar != ScalarType::Boolean)
                wrongType(type, node, path);
            return;
        case Kind::Quantity:
            if (!node.IsScalar() || scalar == ScalarType::Boolean)
                wrongType(type, node, path);
            else if (!isQuantity(scalarText(node)))
                report(node, QStringLiteral("schema-type"),
                       QStringLiteral("\"%1\" is not a quantity: \"%2\". Write a number with an optional suffix, "
                                      "such as 512Mi, 1Gi, 250m or 2.")
                           .arg(path, scalarText(node)));
            return;
        case Kind::List:
            if (!node.IsSequence()) {
                wrongType(type, node, path);
                return;
            }
            for (std::size_t i = 0; i < node.size(); ++i)
                value(*type.element, node[i], node[i], path + QStringLiteral("[%1]").arg(i));
            return;
        case Kind::Map:
            if (!node.IsMap()) {
                wrongType(type, node, path);
                return;
            }
            for (auto it = node.begin(); it != node.end(); ++it)
                value(*type.element, it->second, it->first, path + QLatin1Char('.') + scalarText(it->first));
            return;
        case Kind::Object:
            if (!node.IsMap()) {
                wrongType(type, node, path);
                return;
            }
            if (const ObjectSchema *nested = m_schema.type(type.ref))
                object(*nested, node, key, path);
            return;
        }
    }

    const KubernetesSchema &m_schema;
    const ManifestDocument &m_doc;
    QList<Problem> &m_problems;
};

bool isKustomization(const ManifestDocument &doc)
{
    return doc.kind == QLatin1String("Kustomization") || doc.kind == QLatin1String("Component");
}

// Groups whose kinds all come from Kubernetes itself: an unknown kind there is a mistake,
// not a custom resource.
bool isBuiltInGroup(const QString &apiVersion)
{
    const QString group
        = apiVersion.contains(QLatin1Char('/')) ? apiVersion.section(QLatin1Char('/'), 0, 0) : QString();
    return group.isEmpty() || group == QLatin1String("apps") || group == QLatin1String("batch")
        || group == QLatin1String("autoscaling") || group == QLatin1String("policy")
        || group.endsWith(QLatin1String(".k8s.io"));
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = 3;
    for (const QString &candidate : candidates) {
        const int d = editDistance(word, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

void checkSchema(const KubernetesSchema &schema, const ManifestDocument &doc, QList<Problem> &problems)
{
    const YAML::Node &root = doc.root;
    if (!root.IsMap()) {
        problems.append(doc.problemAt(root, Severity::Error, QStringLiteral("schema-type"),
                                      QStringLiteral("A Kubernetes manifest is a mapping with apiVersion, kind and "
                                                     "metadata, not %1.")
                                          .arg(describeValue(root))));
        return;
    }
    if (isKustomization(doc))
        return; // kustomize's own file, not an API object
    for (const char *field : {"apiVersion", "kind"}) {
        if (!child(root, field).IsDefined())
            problems.append(doc.problemAt(root, Severity::Error, QStringLiteral("schema-required"),
                                          QStringLiteral("The object has no \"%1\"; every manifest needs apiVersion "
                                                         "and kind.")
                                              .arg(QLatin1String(field))));
    }
    if (doc.apiVersion.isEmpty() || doc.kind.isEmpty())
        return;
    const ObjectSchema *type = schema.rootFor(doc.apiVersion, doc.kind);
    if (!type) {
        if (schema.knowsApiVersion(doc.apiVersion) || isBuiltInGroup(doc.apiVersion)) {
            const bool cluster = schema.source.startsWith(QLatin1String("the cluster"));
            problems.append(doc.problemAt(
                child(root, "kind"), Severity::Error, QStringLiteral("schema-unknown-kind"),
                (cluster ? QStringLiteral("The connected cluster serves no kind \"%1\" in %2; its API server answers "
                                          "\"no matches for kind\".")
                         : QStringLiteral("Kubernetes has no kind \"%1\" in %2; the API server answers \"no matches "
                                          "for kind\"."))
                    .arg(doc.kind, doc.apiVersion)));
        } else {
            problems.append(doc.problemAt(child(root, "kind"), Severity::Info, QStringLiteral("schema-unknown-kind"),
                                          QStringLiteral("No schema for %1 %2, so its fields are not checked. Connect "
                                                         "a cluster that has the custom resource to check them.")
                                              .arg(doc.apiVersion, doc.kind)));
        }
        return;
    }
    Walker(schema, doc, problems).object(*type, root, root, QString());
}

} // namespace Lucent::Core::Validation
