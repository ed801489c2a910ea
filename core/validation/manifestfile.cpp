#include "core/validation/manifestfile.h"

#include "core/bounds/yamlbounds.h"

#include <QRegularExpression>
#include <QSet>

namespace Lucent::Core::Validation {

namespace {

// yaml-cpp marks are 0-based and -1 when unknown.
int markLine(const YAML::Mark &mark)
{
    return mark.line < 0 ? 0 : mark.line;
}
int markColumn(const YAML::Mark &mark)
{
    return mark.column < 0 ? 0 : mark.column;
}

bool isDocumentMarker(const QByteArray &line)
{
    auto starts = [&](const char *marker) {
        return line.startsWith(marker) && (line.size() == 3 || line.at(3) == ' ' || line.at(3) == '\t');
    };
    return starts("---") || starts("...");
}

QString objectPathKey(const YAML::Node &key)
{
    return QString::fromStdString(key.Scalar());
}

void findDuplicateKeys(const ManifestDocument &doc, const YAML::Node &node, QList<Problem> &problems)
{
    if (node.IsSequence()) {
        for (const auto &item : node)
            findDuplicateKeys(doc, item, problems);
        return;
    }
    if (!node.IsMap())
        return;
    QHash<QString, int> seen; // key -> 1-based line of its first use
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsScalar()) {
            const QString key = objectPathKey(it->first);
            const int line = doc.firstLine + markLine(it->first.Mark()) + 1;
            if (auto first = seen.constFind(key); first != seen.constEnd()) {
                problems.append(doc.problemAt(it->first, Severity::Error, QStringLiteral("yaml-duplicate-key"),
                                              QStringLiteral("The key \"%1\" is repeated (first on line %2). The API "
                                                             "server refuses duplicate fields; keep one of them.")
                                                  .arg(key)
                                                  .arg(*first)));
            } else {
                seen.insert(key, line);
            }
        }
        findDuplicateKeys(doc, it->second, problems);
    }
}

void parseDocument(ManifestFile &file, const QByteArray &text, int firstLine, int index)
{
    ManifestDocument doc;
    doc.file = file.path;
    doc.index = index;
    doc.firstLine = firstLine;
    try {
        doc.root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        Problem p;
        p.file = file.path;
        p.line = firstLine + markLine(e.mark) + 1;
        p.column = markColumn(e.mark) + 1;
        p.ruleId = QStringLiteral("yaml-syntax");
        QString what = QString::fromStdString(e.msg);
        if (!what.isEmpty())
            what[0] = what[0].toUpper();
        // yaml-cpp's words, with what they usually mean in a manifest.
        static const QHash<QString, QString> hints{
            {QStringLiteral("Illegal map value"),
             QStringLiteral("a ':' where no key can start; check this line's indentation against the line above")},
            {QStringLiteral("End of map not found"),
             QStringLiteral("this line's indentation does not line up with the mapping above")},
            {QStringLiteral("End of sequence flow not found"), QStringLiteral("a '[' list is not closed with ']'")},
            {QStringLiteral("End of map flow not found"), QStringLiteral("a '{' mapping is not closed with '}'")},
            {QStringLiteral("Bad file"),
             QStringLiteral("nested deeper than the parser allows (about 500 levels), or not a text file")},
        };
        if (const QString hint = hints.value(what); !hint.isEmpty())
            what += QStringLiteral(": ") + hint;
        p.message = QStringLiteral("%1. The document cannot be read until this is fixed.").arg(what);
        file.problems.append(p);
        return;
    }
    if (const QString bound = YamlBounds::problem(doc.root); !bound.isEmpty()) {
        Problem p;
        p.file = file.path;
        p.line = firstLine + 1;
        p.column = 1;
        p.ruleId = QStringLiteral("yaml-syntax");
        QString sentence = bound;
        sentence[0] = sentence[0].toUpper();
        p.message = QStringLiteral("%1 The document is not checked further.").arg(sentence);
        file.problems.append(p);
        return;
    }
    if (!doc.root || doc.root.IsNull())
        return; // only comments or nothing between two markers
    if (doc.root.IsMap()) {
        doc.apiVersion = stringAt(doc.root, "apiVersion");
        doc.kind = stringAt(doc.root, "kind");
        if (const YAML::Node meta = child(doc.root, "metadata"); meta.IsMap()) {
            doc.name = stringAt(meta, "name");
            doc.explicitNamespace = stringAt(meta, "namespace");
            if (!doc.explicitNamespace.isEmpty())
                doc.namespaces = {doc.explicitNamespace};
        }
    }
    findDuplicateKeys(doc, doc.root, file.problems);
    file.documents.push_back(std::move(doc));
}

} // namespace

QString ManifestDocument::objectName() const
{
    if (kind.isEmpty())
        return {};
    return name.isEmpty() ? kind : kind + QLatin1Char('/') + name;
}

Problem ManifestDocument::problemAt(const YAML::Node &node, Severity severity, const QString &ruleId,
                                    const QString &message) const
{
    Problem p;
    p.file = file;
    p.severity = severity;
    p.ruleId = ruleId;
    p.message = message;
    p.objectName = objectName();
    if (node.IsDefined()) {
        const YAML::Mark mark = node.Mark();
        p.line = firstLine + markLine(mark) + 1;
        p.column = markColumn(mark) + 1;
        if (node.IsScalar()) {
            const int quotes = node.Tag() == "!" && !node.Scalar().empty() ? 2 : 0;
            p.length = std::max(1, int(QString::fromStdString(node.Scalar()).size()) + quotes);
        }
    } else {
        p.line = firstLine + 1;
    }
    return p;
}

ManifestFile parseManifestFile(const QString &path, const QByteArray &text)
{
    ManifestFile file;
    file.path = path;
    int start = 0; // byte offset of the current document
    int startLine = 0;
    int line = 0;
    int index = 0;
    int offset = 0;
    while (offset <= text.size()) {
        int end = text.indexOf('\n', offset);
        if (end < 0)
            end = int(text.size());
        const QByteArray lineText = text.mid(offset, end - offset);
        if (isDocumentMarker(lineText)) {
            const QByteArray body = text.mid(start, offset - start);
            const int before = int(file.documents.size());
            parseDocument(file, body, startLine, index);
            if (int(file.documents.size()) > before || !body.trimmed().isEmpty())
                ++index;
            // The next document starts after the marker, on the marker's line (columns of
            // content written after "--- " are off by the marker's width; that style is rare).
            start = offset + 3;
            startLine = line;
            if (lineText.startsWith("..."))
                start = end; // "..." ends a document and carries nothing
        }
        offset = end + 1;
        ++line;
    }
    parseDocument(file, text.mid(start), startLine, index);
    return file;
}

ScalarType scalarType(const YAML::Node &node)
{
    if (!node.IsDefined() || node.IsNull())
        return ScalarType::Null;
    if (!node.IsScalar())
        return ScalarType::String;
    const std::string &tag = node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return ScalarType::String;
    if (tag == "tag:yaml.org,2002:int")
        return ScalarType::Integer;
    if (tag == "tag:yaml.org,2002:bool")
        return ScalarType::Boolean;
    if (tag == "tag:yaml.org,2002:float")
        return ScalarType::Float;
    static const QRegularExpression nullRe(QStringLiteral("^(~|null|Null|NULL)?$"));
    static const QRegularExpression boolRe(QStringLiteral("^(true|True|TRUE|false|False|FALSE)$"));
    static const QRegularExpression intRe(QStringLiteral("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"));
    static const QRegularExpression floatRe(QStringLiteral(
        "^([-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$"));
    const QString text = QString::fromStdString(node.Scalar());
    if (nullRe.match(text).hasMatch())
        return ScalarType::Null;
    if (boolRe.match(text).hasMatch())
        return ScalarType::Boolean;
    if (intRe.match(text).hasMatch())
        return ScalarType::Integer;
    if (floatRe.match(text).hasMatch())
        return ScalarType::Float;
    return ScalarType::String;
}

QString scalarText(const YAML::Node &node)
{
    return node.IsDefined() && node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
}

YAML::Node child(const YAML::Node &map, const char *key)
{
    if (!map.IsDefined() || !map.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node value = map[key];
    return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node at(const YAML::Node &node, std::initializer_list<const char *> path)
{
    // Node::reset rebinds; operator= would write into the document.
    YAML::Node current;
    current.reset(node);
    for (const char *key : path)
        current.reset(child(current, key));
    return current;
}

YAML::Node listOf(const YAML::Node &node)
{
    return node.IsDefined() && node.IsSequence() ? node : YAML::Node(YAML::NodeType::Sequence);
}

QString stringAt(const YAML::Node &map, const char *key)
{
    return scalarText(child(map, key));
}

} // namespace Lucent::Core::Validation
