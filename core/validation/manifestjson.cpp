#include "core/validation/manifestjson.h"

#include "core/validation/manifestfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Lucent::Core::Validation {

namespace {

QJsonValue toJson(const YAML::Node &node)
{
    if (node.IsMap()) {
        QJsonObject object;
        for (auto it = node.begin(); it != node.end(); ++it)
            object.insert(scalarText(it->first), toJson(it->second));
        return object;
    }
    if (node.IsSequence()) {
        QJsonArray array;
        for (const auto &item : node)
            array.append(toJson(item));
        return array;
    }
    const QString text = scalarText(node);
    switch (scalarType(node)) {
    case ScalarType::Null: return QJsonValue::Null;
    case ScalarType::Boolean: return text.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
    case ScalarType::Integer: {
        bool ok = false;
        const qint64 value = text.toLongLong(&ok, 0);
        return ok ? QJsonValue(value) : QJsonValue(text.toDouble());
    }
    case ScalarType::Float: return text.toDouble();
    case ScalarType::String: return text;
    }
    return text;
}

// Plain YAML scalars that would read back as something else, or carry YAML syntax, are quoted.
QString scalar(const QString &text)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_./][A-Za-z0-9_./ -]*$"));
    static const QRegularExpression special(
        QStringLiteral("^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)$"),
        QRegularExpression::CaseInsensitiveOption);
    if (!text.isEmpty() && plain.match(text).hasMatch() && !special.match(text).hasMatch()
        && !text.endsWith(QLatin1Char(' ')))
        return text;
    return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

bool isNonEmptyContainer(const QJsonValue &v)
{
    return (v.isObject() && !v.toObject().isEmpty()) || (v.isArray() && !v.toArray().isEmpty());
}

// A scalar, or an empty mapping or list, on one line.
QString inlineValue(const QJsonValue &value)
{
    if (value.isObject())
        return QStringLiteral("{}");
    if (value.isArray())
        return QStringLiteral("[]");
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("null");
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    return scalar(value.toString());
}

void render(const QJsonValue &value, int indent, QStringList &out)
{
    const QString pad(indent, QLatin1Char(' '));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = pad + scalar(it.key()) + QLatin1Char(':');
            if (isNonEmptyContainer(it.value())) {
                out.append(key);
                render(it.value(), indent + 2, out);
            } else {
                out.append(key + QLatin1Char(' ') + inlineValue(it.value()));
            }
        }
        return;
    }
    if (value.isArray()) {
        for (const auto &item : value.toArray()) {
            if (item.isObject() && !item.toObject().isEmpty()) {
                QStringList inner;
                render(item, indent + 2, inner);
                inner[0] = pad + QStringLiteral("- ") + inner[0].mid(indent + 2);
                out += inner;
            } else if (isNonEmptyContainer(item)) {
                out.append(pad + QLatin1Char('-'));
                render(item, indent + 2, out);
            } else {
                out.append(pad + QStringLiteral("- ") + inlineValue(item));
            }
        }
        return;
    }
    out.append(pad + inlineValue(value));
}

} // namespace

QString ManifestObject::name() const
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

QString ManifestObject::namespaceName() const
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("namespace")).toString();
}

QString ManifestObject::displayName() const
{
    return kind() + QLatin1Char('/') + name();
}

QList<ManifestObject> manifestObjects(const QByteArray &text, QString *error)
{
    const ManifestFile file = parseManifestFile(QString(), text);
    for (const auto &p : file.problems) {
        if (p.ruleId == QLatin1String("yaml-syntax")) {
            if (error)
                *error = QStringLiteral("Line %1, column %2: %3").arg(p.line).arg(p.column).arg(p.message);
            return {};
        }
    }
    QList<ManifestObject> out;
    for (const auto &doc : file.documents) {
        if (!doc.root.IsMap() || doc.kind == QLatin1String("Kustomization"))
            continue;
        out.append({toJson(doc.root).toObject(), doc.firstLine + std::max(0, doc.root.Mark().line) + 1});
    }
    return out;
}

QString toYamlText(const QJsonValue &value)
{
    QStringList out;
    render(value, 0, out);
    return out.join(QLatin1Char('\n'));
}

} // namespace Lucent::Core::Validation
