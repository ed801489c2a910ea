#pragma once

#include <QRegularExpression>
#include <QString>

namespace Lucent::Core::Logs {

/// What the log view shows and marks: lines matching @p include (all when empty) and not
/// @p exclude, with @p highlight marked. Regular expressions; invalid ones are reported and
/// match nothing rather than everything.
struct LogFilter {
    QString include;
    QString exclude;
    QString highlight;
    bool caseSensitive = false;

    enum Flag : quint8 { Visible = 1, Highlighted = 2 };

    /// The first invalid expression's problem as a sentence, or empty.
    QString problem() const;
    bool operator==(const LogFilter &other) const
    {
        return include == other.include && exclude == other.exclude && highlight == other.highlight
            && caseSensitive == other.caseSensitive;
    }
    bool operator!=(const LogFilter &other) const { return !(*this == other); }
};

/// A LogFilter compiled once, used for many lines (on one thread: each worker compiles its own).
class CompiledLogFilter
{
public:
    explicit CompiledLogFilter(const LogFilter &filter);
    quint8 flagsFor(const QString &text) const;
    /// The same for UTF-8 text; a filter without expressions does not decode the line.
    quint8 flagsFor(const QByteArray &utf8) const;

private:
    QRegularExpression m_include;
    QRegularExpression m_exclude;
    QRegularExpression m_highlight;
    bool m_valid = true;
    bool m_empty = false; ///< no expression at all: everything is shown, nothing marked
};

} // namespace Lucent::Core::Logs
