#include "core/recovery/secretvalues.h"

#include <QRegularExpression>
#include <QStringList>

namespace Lucent::Core::Recovery {

namespace {

qsizetype indentOf(const QString &line)
{
    qsizetype indent = 0;
    while (indent < line.size() && line.at(indent) == QLatin1Char(' '))
        ++indent;
    return indent;
}

bool isBlankOrComment(const QString &line)
{
    const QString trimmed = line.trimmed();
    return trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#'));
}

bool isSecretDocument(const QStringList &lines)
{
    // At any depth: a List of objects holds its Secrets indented.
    static const QRegularExpression kind(QStringLiteral(R"(^\s*(-\s+)?kind:\s*["']?Secret["']?\s*(#.*)?$)"));
    for (const QString &line : lines) {
        if (kind.match(line).hasMatch())
            return true;
    }
    return false;
}

// Blanks the values of one Secret document's data and stringData maps in place. In a List that
// holds a Secret, every data map goes: which item a line belongs to is not worth guessing.
bool blankValues(QStringList &lines)
{
    static const QRegularExpression section(QStringLiteral(R"(^(\s*(?:-\s+)?)(data|stringData):(.*)$)"));
    static const QRegularExpression entry(QStringLiteral(R"(^(\s*)([^\s#:][^:]*|"[^"]*"|'[^']*'):(\s.*)?$)"));
    bool dropped = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QRegularExpressionMatch top = section.match(lines.at(i));
        if (!top.hasMatch())
            continue;
        const qsizetype sectionIndent = top.captured(1).size();
        const QString rest = top.captured(3).trimmed();
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('#'))) { // a flow map or a scalar on the line
            lines[i] = top.captured(1) + top.captured(2) + QStringLiteral(": {}");
            dropped = true;
            continue;
        }
        // The section's entries are its more-indented lines; a value's continuation (a block
        // scalar, a folded line) is indented deeper than the entries and goes entirely.
        qsizetype entryIndent = -1;
        for (qsizetype j = i + 1; j < lines.size();) {
            if (isBlankOrComment(lines.at(j))) {
                ++j;
                continue;
            }
            const qsizetype indent = indentOf(lines.at(j));
            if (indent <= sectionIndent)
                break;
            if (entryIndent < 0)
                entryIndent = indent;
            if (indent != entryIndent) {
                lines.removeAt(j);
                dropped = true;
                continue;
            }
            const QRegularExpressionMatch key = entry.match(lines.at(j));
            lines[j] = key.hasMatch()
                ? QString(key.captured(1) + key.captured(2) + QStringLiteral(": \"\""))
                : QString(QString(indent, QLatin1Char(' ')) + QStringLiteral("# (a value not kept)"));
            dropped = true;
            ++j;
        }
    }
    return dropped;
}

} // namespace

QString withoutSecretValues(const QString &text, bool *dropped)
{
    *dropped = false;
    const QStringList lines = text.split(QLatin1Char('\n'));
    QStringList out;
    QStringList document;
    const auto flush = [&] {
        if (isSecretDocument(document) && blankValues(document))
            *dropped = true;
        out.append(document);
        document.clear();
    };
    for (const QString &line : lines) {
        if (line.startsWith(QLatin1String("---"))) {
            flush();
            out.append(line);
            continue;
        }
        document.append(line);
    }
    flush();
    return out.join(QLatin1Char('\n'));
}

} // namespace Lucent::Core::Recovery
