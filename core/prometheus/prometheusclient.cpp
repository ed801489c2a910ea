#include "core/prometheus/prometheusclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>

namespace Lucent::Core::Prometheus {

namespace {

QString unixTime(const QDateTime &time)
{
    return QString::number(time.toMSecsSinceEpoch() / 1000.0, 'f', 3);
}

// Secrets travel over TLS, or to this machine; never in clear text across a network.
bool mayCarrySecrets(const QUrl &url)
{
    const QString host = url.host();
    return url.scheme() == QLatin1String("https") || host == QLatin1String("127.0.0.1")
        || host == QLatin1String("localhost") || host == QLatin1String("::1");
}

} // namespace

void PrometheusReply::abort()
{
    if (auto *network = qobject_cast<QNetworkReply *>(m_network))
        network->abort();
}

PrometheusClient::PrometheusClient(QUrl baseUrl, PrometheusAuth auth, QObject *parent)
    : QObject(parent)
    , m_base(std::move(baseUrl))
    , m_auth(std::move(auth))
    , m_manager(new QNetworkAccessManager(this))
{
    m_manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

PrometheusClient::~PrometheusClient() = default;

PrometheusReply *PrometheusClient::send(const QString &path, const QUrlQuery &form, bool post)
{
    if (post)
        return request("POST", path, {}, form.query(QUrl::FullyEncoded).toUtf8(),
                       QByteArrayLiteral("application/x-www-form-urlencoded"));
    return request("GET", path, form);
}

PrometheusReply *PrometheusClient::request(const QByteArray &verb, const QString &path, const QUrlQuery &query,
                                           const QByteArray &body, const QByteArray &contentType)
{
    QUrl url = m_base;
    QString prefix = url.path();
    if (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    if (!query.isEmpty())
        url.setQuery(query);
    QNetworkRequest networkRequest(url);
    networkRequest.setHeader(QNetworkRequest::UserAgentHeader,
                             QByteArrayLiteral("lucent-console/" LUCENT_VERSION_STRING));
    networkRequest.setRawHeader("Accept", "application/json");
    if (mayCarrySecrets(url)) {
        if (!m_auth.bearerToken.isEmpty())
            networkRequest.setRawHeader("Authorization", "Bearer " + m_auth.bearerToken);
        else if (!m_auth.username.isEmpty())
            networkRequest.setRawHeader(
                "Authorization", "Basic " + QByteArray(m_auth.username.toUtf8() + ':' + m_auth.password).toBase64());
    }
    auto *reply = new PrometheusReply(this);
    if (!contentType.isEmpty())
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *network
        = verb == "GET" ? m_manager->get(networkRequest) : m_manager->sendCustomRequest(networkRequest, verb, body);
    reply->m_network = network;
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, network] {
        reply->m_timedOut = true;
        network->abort();
    });
    timer->start(m_timeoutMs);
    reply->m_error.server = m_serverName;
    connect(network, &QNetworkReply::finished, reply, [reply, network, timer, operation = path] {
        timer->stop();
        network->deleteLater();
        reply->m_httpStatus = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->m_body = network->readAll();
        if (reply->m_httpStatus == 0) {
            reply->m_error.kind = PrometheusError::Kind::Transport;
            reply->m_error.message
                = reply->m_timedOut ? QStringLiteral("%1 timed out").arg(operation) : network->errorString();
        }
        Q_EMIT reply->finished();
        reply->deleteLater();
    });
    return reply;
}

PrometheusReply *PrometheusClient::query(const QString &promql, const QDateTime &at)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("query"), promql);
    if (at.isValid())
        form.addQueryItem(QStringLiteral("time"), unixTime(at));
    return send(QStringLiteral("/api/v1/query"), form, true);
}

PrometheusReply *PrometheusClient::queryRange(const QString &promql, const QDateTime &start, const QDateTime &end,
                                              qint64 stepSeconds)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("query"), promql);
    form.addQueryItem(QStringLiteral("start"), unixTime(start));
    form.addQueryItem(QStringLiteral("end"), unixTime(end));
    form.addQueryItem(QStringLiteral("step"), QString::number(std::max<qint64>(1, stepSeconds)));
    return send(QStringLiteral("/api/v1/query_range"), form, true);
}

PrometheusReply *PrometheusClient::alerts()
{
    return send(QStringLiteral("/api/v1/alerts"), {}, false);
}

PrometheusReply *PrometheusClient::rules()
{
    return send(QStringLiteral("/api/v1/rules"), {}, false);
}

PrometheusReply *PrometheusClient::targets()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("state"), QStringLiteral("active"));
    return send(QStringLiteral("/api/v1/targets"), query, false);
}

PrometheusReply *PrometheusClient::labelValues(const QString &label)
{
    return send(QStringLiteral("/api/v1/label/%1/values").arg(QString::fromLatin1(QUrl::toPercentEncoding(label))), {},
                false);
}

PrometheusReply *PrometheusClient::series(const QStringList &matchers, const QDateTime &start, const QDateTime &end)
{
    QUrlQuery form;
    for (const QString &matcher : matchers)
        form.addQueryItem(QStringLiteral("match[]"), matcher);
    if (start.isValid())
        form.addQueryItem(QStringLiteral("start"), unixTime(start));
    if (end.isValid())
        form.addQueryItem(QStringLiteral("end"), unixTime(end));
    return send(QStringLiteral("/api/v1/series"), form, true);
}

} // namespace Lucent::Core::Prometheus
