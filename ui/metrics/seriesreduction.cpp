#include "ui/metrics/seriesreduction.h"

#include <algorithm>
#include <cmath>

namespace Lucent::Ui {

QList<QPointF> envelopeOf(const QList<QPointF> &points, double from, double to, int buckets)
{
    if (buckets <= 0 || points.size() <= 2 * qsizetype(buckets) || !(to > from))
        return points;
    const double scale = buckets / (to - from);
    auto bucketOf
        = [&](const QPointF &point) { return std::clamp(int(std::floor((point.x() - from) * scale)), 0, buckets - 1); };
    QList<QPointF> out;
    out.reserve(2 * buckets + 2);
    qsizetype i = 0;
    while (i < points.size()) {
        const int bucket = bucketOf(points[i]);
        qsizetype low = i;
        qsizetype high = i;
        qsizetype next = i + 1;
        for (; next < points.size() && bucketOf(points[next]) == bucket; ++next) {
            if (points[next].y() < points[low].y())
                low = next;
            if (points[next].y() > points[high].y())
                high = next;
        }
        out.append(points[std::min(low, high)]);
        if (low != high)
            out.append(points[std::max(low, high)]);
        i = next;
    }
    return out;
}

const Core::Prometheus::Sample *nearestSample(const Core::Prometheus::Series &series, double seconds)
{
    const auto &samples = series.samples;
    if (samples.isEmpty())
        return nullptr;
    const auto after
        = std::lower_bound(samples.cbegin(), samples.cend(), seconds,
                           [](const Core::Prometheus::Sample &sample, double t) { return sample.time < t; });
    if (after == samples.cbegin())
        return &*after;
    if (after == samples.cend())
        return &samples.constLast();
    const auto before = after - 1;
    return seconds - before->time <= after->time - seconds ? &*before : &*after;
}

} // namespace Lucent::Ui
