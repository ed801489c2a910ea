#include "core/validation/reportformat.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace Lucent::Core::Validation {

namespace {

QString sarifLevel(Severity severity)
{
    switch (severity) {
    case Severity::Error: return QStringLiteral("error");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Info: return QStringLiteral("note");
    }
    return QStringLiteral("none");
}

QJsonObject sarifRule(const RuleInfo &rule)
{
    return {{QStringLiteral("id"), rule.id},
            {QStringLiteral("name"), rule.id},
            {QStringLiteral("shortDescription"), QJsonObject{{QStringLiteral("text"), rule.title}}},
            {QStringLiteral("fullDescription"), QJsonObject{{QStringLiteral("text"), rule.help}}},
            {QStringLiteral("help"), QJsonObject{{QStringLiteral("text"), rule.help}}},
            {QStringLiteral("defaultConfiguration"),
             QJsonObject{{QStringLiteral("level"), sarifLevel(rule.defaultSeverity)}}}};
}

} // namespace

QByteArray formatText(const ValidationResult &result)
{
    QByteArray out;
    for (const auto &p : result.problems) {
        out += QStringLiteral("%1:%2:%3: %4: %5 [%6]\n")
                   .arg(QDir::toNativeSeparators(p.file))
                   .arg(p.line)
                   .arg(p.column)
                   .arg(severityName(p.severity), p.message, p.ruleId)
                   .toUtf8();
    }
    const int errors = result.errors();
    const int warnings = result.warnings();
    out += QStringLiteral("%1 error%2, %3 warning%4 in %5 file%6 (%7 document%8).\n")
               .arg(errors)
               .arg(errors == 1 ? QString() : QStringLiteral("s"))
               .arg(warnings)
               .arg(warnings == 1 ? QString() : QStringLiteral("s"))
               .arg(result.files)
               .arg(result.files == 1 ? QString() : QStringLiteral("s"))
               .arg(result.documents)
               .arg(result.documents == 1 ? QString() : QStringLiteral("s"))
               .toUtf8();
    return out;
}

QByteArray formatJson(const ValidationResult &result)
{
    QJsonArray problems;
    for (const auto &p : result.problems) {
        problems.append(QJsonObject{{QStringLiteral("file"), p.file},
                                    {QStringLiteral("line"), p.line},
                                    {QStringLiteral("column"), p.column},
                                    {QStringLiteral("endColumn"), p.column + p.length},
                                    {QStringLiteral("severity"), severityName(p.severity)},
                                    {QStringLiteral("rule"), p.ruleId},
                                    {QStringLiteral("message"), p.message},
                                    {QStringLiteral("object"), p.objectName}});
    }
    const QJsonObject root{{QStringLiteral("files"), result.files},
                           {QStringLiteral("documents"), result.documents},
                           {QStringLiteral("errors"), result.errors()},
                           {QStringLiteral("warnings"), result.warnings()},
                           {QStringLiteral("problems"), problems}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray formatSarif(const ValidationResult &result, const QString &baseDirectory, const QString &toolVersion)
{
    QJsonArray rules;
    QHash<QString, int> ruleIndex;
    for (const auto &rule : ruleCatalog()) {
        ruleIndex.insert(rule.id, int(rules.size()));
        rules.append(sarifRule(rule));
    }
    const QDir base(baseDirectory);
    QJsonArray results;
    for (const auto &p : result.problems) {
        const QString absolute = QDir::cleanPath(base.absoluteFilePath(p.file));
        const QString relative = base.relativeFilePath(absolute);
        const bool inside = !relative.startsWith(QLatin1String(".."));
        QJsonObject artifact{
            {QStringLiteral("uri"),
             inside ? QString::fromUtf8(QUrl(relative).toEncoded()) : QUrl::fromLocalFile(absolute).toString()}};
        if (inside)
            artifact.insert(QStringLiteral("uriBaseId"), QStringLiteral("%SRCROOT%"));
        const QJsonObject region{{QStringLiteral("startLine"), p.line},
                                 {QStringLiteral("startColumn"), p.column},
                                 {QStringLiteral("endColumn"), p.column + p.length}};
        QJsonObject entry{{QStringLiteral("ruleId"), p.ruleId},
                          {QStringLiteral("level"), sarifLevel(p.severity)},
                          {QStringLiteral("message"), QJsonObject{{QStringLiteral("text"), p.message}}},
                          {QStringLiteral("locations"),
                           QJsonArray{QJsonObject{{QStringLiteral("physicalLocation"),
                                                   QJsonObject{{QStringLiteral("artifactLocation"), artifact},
                                                               {QStringLiteral("region"), region}}}}}}};
        if (auto it = ruleIndex.constFind(p.ruleId); it != ruleIndex.constEnd())
            entry.insert(QStringLiteral("ruleIndex"), *it);
        results.append(entry);
    }
    QString baseUri = QUrl::fromLocalFile(base.absolutePath()).toString();
    if (!baseUri.endsWith(QLatin1Char('/')))
        baseUri += QLatin1Char('/');
    const QJsonObject driver{{QStringLiteral("name"), QStringLiteral("lucent-console validate")},
                             {QStringLiteral("version"), toolVersion},
                             {QStringLiteral("rules"), rules}};
    const QJsonObject run{{QStringLiteral("tool"), QJsonObject{{QStringLiteral("driver"), driver}}},
                          {QStringLiteral("originalUriBaseIds"),
                           QJsonObject{{QStringLiteral("%SRCROOT%"), QJsonObject{{QStringLiteral("uri"), baseUri}}}}},
                          {QStringLiteral("columnKind"), QStringLiteral("utf16CodeUnits")},
                          {QStringLiteral("results"), results}};
    const QJsonObject root{{QStringLiteral("$schema"), QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
                           {QStringLiteral("version"), QStringLiteral("2.1.0")},
                           {QStringLiteral("runs"), QJsonArray{run}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace Lucent::Core::Validation
