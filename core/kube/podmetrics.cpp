#include "core/kube/podmetrics.h"

#include "core/jobs/latestjob.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include <cmath>

namespace Lucent::Core::Kube {

namespace {

// metrics-server's resolution: asking more often gets the same window again.
constexpr int PollMs = 15000;
// A cluster without metrics.k8s.io may get one later (metrics-server installed): ask again
// now and then, not every window.
constexpr int RetryUnavailableMs = 300000;

// A quantity as number and suffix ("1.5", "Gi"), or nothing.
std::optional<std::pair<double, QString>> split(const QString &quantity)
{
    static const QRegularExpression form(QStringLiteral("^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$"));
    const auto match = form.match(quantity.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    bool ok = false;
    const double number = match.captured(1).toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < 0)
        return std::nullopt;
    return std::make_pair(number, match.captured(2));
}

} // namespace

qint64 cpuMillicores(const QString &quantity)
{
    const auto parts = split(quantity);
    if (!parts)
        return -1;
    const auto &[number, suffix] = *parts;
    static const QHash<QString, double> scale{{QString(), 1000.0},
                                              {QStringLiteral("m"), 1.0},
                                              {QStringLiteral("u"), 1e-3},
                                              {QStringLiteral("n"), 1e-6},
                                              {QStringLiteral("k"), 1e6}};
    if (!scale.contains(suffix))
        return -1;
    return qint64(std::llround(number * scale.value(suffix)));
}

qint64 memoryBytes(const QString &quantity)
{
    const auto parts = split(quantity);
    if (!parts)
        return -1;
    const auto &[number, suffix] = *parts;
    static const QHash<QString, double> scale{{QString(), 1.0},
                                              {QStringLiteral("k"), 1e3},
                                              {QStringLiteral("M"), 1e6},
                                              {QStringLiteral("G"), 1e9},
                                              {QStringLiteral("T"), 1e12},
                                              {QStringLiteral("Ki"), 1024.0},
                                              {QStringLiteral("Mi"), 1024.0 * 1024},
                                              {QStringLiteral("Gi"), 1024.0 * 1024 * 1024},
                                              {QStringLiteral("Ti"), 1024.0 * 1024 * 1024 * 1024},
                                              {QStringLiteral("m"), 1e-3}};
    if (!scale.contains(suffix))
        return -1;
    const double bytes = number * scale.value(suffix);
    return bytes > 9e18 ? -1 : qint64(std::llround(bytes));
}

PodMetrics::PodMetrics(KubeClient *client, QString namespaceName, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_timer(new QTimer(this))
    , m_decode(std::make_unique<Jobs::LatestJob<QHash<QString, PodUsage>>>(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &PodMetrics::poll);
}

PodMetrics::~PodMetrics() = default;

void PodMetrics::start()
{
    poll();
}

const PodUsage *PodMetrics::usage(const QString &pod) const
{
    auto it = m_history.constFind(pod);
    return it == m_history.cend() || it->isEmpty() ? nullptr : &it->constLast();
}

void PodMetrics::poll()
{
    if (!m_client || m_inFlight)
        return;
    KubeRequest request;
    request.path = QStringLiteral("/apis/metrics.k8s.io/v1beta1/namespaces/%1/pods").arg(m_namespace);
    KubeReply *reply = m_client->send(request);
    m_inFlight = true;
    connect(reply, &KubeReply::finished, this, [this, reply] {
        if (reply->error().isError()) {
            m_inFlight = false;
            failed(reply->error());
            return;
        }
        m_decode->start([body = reply->body()](
                            QPromise<QHash<QString, PodUsage>> &promise) { promise.addResult(decodeUsage(body)); },
                        [this](const QHash<QString, PodUsage> &usage) {
                            m_inFlight = false;
                            received(usage);
                        });
    });
}

QHash<QString, PodUsage> decodeUsage(const QByteArray &body)
{
    QHash<QString, PodUsage> usage;
    const QJsonArray items = QJsonDocument::fromJson(body).object().value(QLatin1String("items")).toArray();
    for (const auto &value : items) {
        const QJsonObject item = value.toObject();
        const QString name = item.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
        PodUsage total;
        bool valid = !name.isEmpty();
        for (const auto &container : item.value(QLatin1String("containers")).toArray()) {
            const QJsonObject figures = container.toObject().value(QLatin1String("usage")).toObject();
            const qint64 cpu = cpuMillicores(figures.value(QLatin1String("cpu")).toString());
            const qint64 memory = memoryBytes(figures.value(QLatin1String("memory")).toString());
            valid = valid && cpu >= 0 && memory >= 0;
            total.cpuMillicores += cpu;
            total.memoryBytes += memory;
        }
        if (valid)
            usage.insert(name, total);
    }
    return usage;
}

void PodMetrics::received(const QHash<QString, PodUsage> &usage)
{
    QHash<QString, QList<PodUsage>> next;
    next.reserve(usage.size());
    for (auto it = usage.cbegin(); it != usage.cend(); ++it) {
        QList<PodUsage> history = m_history.value(it.key());
        history.append(it.value());
        if (history.size() > HistoryLength)
            history.removeFirst();
        next.insert(it.key(), history); // pods that are gone leave with their history
    }
    m_history = std::move(next);
    m_available = true;
    m_reason.clear();
    m_timer->start(PollMs);
    Q_EMIT updated();
}

void PodMetrics::failed(const ApiError &error)
{
    const bool absent = error.isNotFound() || error.isForbidden();
    m_available = false;
    m_reason = error.isNotFound() ? tr("the cluster serves no metrics.k8s.io (metrics-server is not installed)")
        : error.isForbidden()     ? tr("you may not read metrics.k8s.io here")
                                  : error.sentence();
    if (absent)
        m_history.clear();
    // A transient failure keeps the last figures and asks again at the next window.
    m_timer->start(absent ? RetryUnavailableMs : PollMs);
    Q_EMIT updated();
}

} // namespace Lucent::Core::Kube
