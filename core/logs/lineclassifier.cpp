#include "core/logs/lineclassifier.h"

#include "core/logs/logbuffer.h"

namespace Lucent::Core::Logs {

void LineClassifier::setFilter(const LogFilter &filter, quint32 version)
{
    const QMutexLocker locker(&m_mutex);
    m_filter = filter;
    m_version = version;
}

void LineClassifier::annotate(QList<Kube::LogLine> &lines) const
{
    const QMutexLocker locker(&m_mutex);
    if (m_version != 0 && (!m_compiled || m_compiledVersion != m_version)) {
        m_compiled.emplace(m_filter);
        m_compiledVersion = m_version;
    }
    for (Kube::LogLine &line : lines) {
        const QByteArray utf8 = line.utf8.isNull() ? line.text.toUtf8() : line.utf8;
        line.level = quint8(detectLevel(utf8));
        if (m_version == 0)
            continue; // no filter told yet: the model judges
        line.marks = m_compiled->flagsFor(utf8);
        line.marksVersion = m_version;
    }
}

} // namespace Lucent::Core::Logs
