#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

namespace Lucent::Core::Kube {

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
    /// A long-running answer (watch, log follow): delivered piece by piece, outside the
    /// concurrency limit, never retried by the client (the caller resumes).
    bool stream = false;

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
