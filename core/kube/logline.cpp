#include "core/kube/logline.h"

#include <QDate>
#include <QTime>

namespace Lucent::Core::Kube {

namespace {

int digits(const char *p, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value = value * 10 + (p[i] - '0');
    }
    return value;
}

} // namespace

LogLine parseLogLine(const QByteArray &line, bool utf8Only)
{
    LogLine result;
    result.nanos = -1;
    const qsizetype space = line.indexOf(' ');
    const char *p = line.constData();
    // YYYY-MM-DDTHH:MM:SS[.fraction]Z - written by the kubelet in UTC.
    if (space >= 20 && p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' && p[16] == ':'
        && line.at(space - 1) == 'Z') {
        const QDate date(digits(p, 4), digits(p + 5, 2), digits(p + 8, 2));
        const QTime time(digits(p + 11, 2), digits(p + 14, 2), digits(p + 17, 2));
        // Nanoseconds since the epoch fit in 64 bits until 2262; a kubelet never writes a year
        // before the epoch. Anything else is text that looks like a timestamp.
        if (date.isValid() && time.isValid() && date.year() >= 1970 && date.year() < 2262) {
            qint64 nanos = 0;
            if (p[19] == '.') {
                int count = 0;
                for (qsizetype i = 20; i < space - 1 && count < 9; ++i, ++count) {
                    if (p[i] < '0' || p[i] > '9')
                        break;
                    nanos = nanos * 10 + (p[i] - '0');
                }
                for (; count < 9; ++count)
                    nanos *= 10;
            }
            // Days from the civil date directly: QDateTime per line costs more than the rest.
            const qint64 seconds = (date.toJulianDay() - 2440588) * 86400LL + time.msecsSinceStartOfDay() / 1000;
            result.nanos = seconds * 1000000000LL + nanos;
            result.timestamp = line.left(space);
            if (utf8Only)
                result.utf8 = line.mid(space + 1);
            else
                result.text = QString::fromUtf8(line.constData() + space + 1, line.size() - space - 1);
            return result;
        }
    }
    if (utf8Only)
        result.utf8 = line;
    else
        result.text = QString::fromUtf8(line);
    return result;
}

} // namespace Lucent::Core::Kube
