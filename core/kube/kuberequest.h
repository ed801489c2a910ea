#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

namespace Lucent::Core::Kube {

/// The largest answer read, compressed or inflated: a page of 500 objects is a few MB and etcd
/// keeps each object under 1.5 MB. A larger answer is refused with a Decode error, before it
/// takes the memory or the time to parse.
constexpr qsizetype MaxAnswerBytes = qsizetype(64) << 20;

/// One call to the API server, before it is sent.
struct KubeRequest {
    QByteArray method = QByteArrayLiteral("GET");
    QString path; ///< e.g. /api/v1/namespaces/lucent-staging/pods
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType; ///< set when there is a body
    QByteArray accept = QByteArrayLiteral("application/json");
    /// Whole-request limit; for streams, the longest silence allowed (0: none).
    int timeoutMs = 30000;
    /// Streams: the longest the whole stream may last, however busy (0: none). A watch that
    /// trickles a byte at a time is never silent, and never delivers.
    int deadlineMs = 0;
    /// A long-running answer (watch, log follow): delivered piece by piece, outside the
    /// concurrency limit, never retried by the client (the caller resumes).
    bool stream = false;
    /// Streams whose owner resumes cheaply (a log, from its last line): past this many bytes
    /// unread inside QtNetwork the stream ends with ApiError::FellBehind (0: never). QtNetwork
    /// reads the socket whatever the reply's read buffer size (Qt 6.4), so without this a
    /// server faster than the reader fills memory instead of being slowed down.
    qint64 dropWhenBehindBytes = 0;

    /// Reads may be retried; writes never are.
    bool isIdempotent() const { return method == "GET" || method == "HEAD"; }
    /// "GET /api/v1/pods" - for error sentences and logs. Holds no credentials.
    QString operation() const { return QString::fromLatin1(method) + QLatin1Char(' ') + path; }
};

/// Query parameters of list and watch calls.
struct ListOptions {
    QString labelSelector;
    QString fieldSelector;
    int limit = 0;
    QString continueToken;
    QString resourceVersion;
    bool watch = false;
    bool allowWatchBookmarks = false;
    int timeoutSeconds = 0;

    void addTo(QUrlQuery &query) const;
};

/// The three patch formats the API accepts besides server-side apply.
enum class PatchType { Merge, Json, Strategic };
QByteArray contentTypeFor(PatchType type);

} // namespace Lucent::Core::Kube
