#pragma once

#include "core/prometheus/prometheustypes.h"

#include <QList>
#include <QPointF>

namespace Lucent::Ui {

/// A series cut down to what a chart @p buckets columns wide can show: within each column of
/// the span [@p from, @p to], its lowest and highest point, in time order. Spikes survive and
/// the envelope is exact; a series with no more points than twice the columns is kept whole.
/// The points are (time in ms, value) and in time order.
QList<QPointF> envelopeOf(const QList<QPointF> &points, double from, double to, int buckets);

/// The sample of @p series nearest to @p seconds, for a tooltip that names exact values
/// whatever the chart drew; nullptr for an empty series.
const Lucent::Core::Prometheus::Sample *nearestSample(const Lucent::Core::Prometheus::Series &series, double seconds);

} // namespace Lucent::Ui
