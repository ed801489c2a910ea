#pragma once

#include "core/kube/logline.h"
#include "core/logs/logfilter.h"

#include <QMutex>

#include <optional>

namespace Lucent::Core::Logs {

/// Classifies log lines on the parsing thread, so the GUI thread only stores them: each
/// line's level, and the current filter's verdict stamped with that filter's version (a
/// model holding a newer filter judges the line again itself).
class LineClassifier final : public Kube::LogLineAnnotator
{
public:
    /// From the GUI thread: lines parsed from now on carry this filter's verdict.
    void setFilter(const LogFilter &filter, quint32 version);
    /// On the parsing thread.
    void annotate(QList<Kube::LogLine> &lines) const override;

private:
    mutable QMutex m_mutex;
    LogFilter m_filter;
    quint32 m_version = 0;
    // Compiled where it is used: a QRegularExpression is not shared between threads.
    mutable std::optional<CompiledLogFilter> m_compiled;
    mutable quint32 m_compiledVersion = 0;
};

} // namespace Lucent::Core::Logs
