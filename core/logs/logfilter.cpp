#include "core/logs/logfilter.h"

namespace Lucent::Core::Logs {

namespace {

QRegularExpression compiled(const QString &pattern, bool caseSensitive)
{
    if (pattern.isEmpty())
        return {};
    QRegularExpression re(
        pattern, caseSensitive ? QRegularExpression::NoPatternOption : QRegularExpression::CaseInsensitiveOption);
    re.optimize();
    return re;
}

} // namespace

QString LogFilter::problem() const
{
    for (const auto &[label, pattern] :
         {std::pair{QStringLiteral("filter"), include}, std::pair{QStringLiteral("exclude"), exclude},
          std::pair{QStringLiteral("highlight"), highlight}}) {
        const QRegularExpression re(pattern);
        if (!pattern.isEmpty() && !re.isValid())
            return QStringLiteral("The %1 expression is not valid at character %2: %3.")
                .arg(label)
                .arg(re.patternErrorOffset())
                .arg(re.errorString());
    }
    return {};
}

CompiledLogFilter::CompiledLogFilter(const LogFilter &filter)
    : m_include(compiled(filter.include, filter.caseSensitive))
    , m_exclude(compiled(filter.exclude, filter.caseSensitive))
    , m_highlight(compiled(filter.highlight, filter.caseSensitive))
    , m_valid(filter.problem().isEmpty())
    , m_empty(filter.include.isEmpty() && filter.exclude.isEmpty() && filter.highlight.isEmpty())
{
}

quint8 CompiledLogFilter::flagsFor(const QByteArray &utf8) const
{
    if (m_empty)
        return LogFilter::Visible;
    return flagsFor(QString::fromUtf8(utf8));
}

quint8 CompiledLogFilter::flagsFor(const QString &text) const
{
    if (!m_valid)
        return 0;
    quint8 flags = 0;
    if ((m_include.pattern().isEmpty() || m_include.match(text).hasMatch())
        && (m_exclude.pattern().isEmpty() || !m_exclude.match(text).hasMatch()))
        flags |= LogFilter::Visible;
    if (!m_highlight.pattern().isEmpty() && m_highlight.match(text).hasMatch())
        flags |= LogFilter::Highlighted;
    return flags;
}

} // namespace Lucent::Core::Logs
