#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

class QByteArray;
class QJsonObject;

namespace Lucent::Core::Kube {

/// One entry of metav1.Status details.causes: which field, and what is wrong with it.
struct StatusCause {
    QString reason; ///< FieldValueInvalid, FieldValueRequired, ResourceVersionTooLarge, ...
    QString message;
    QString field;
};

/// Why a request to a Kubernetes API server failed. Built from the server's metav1.Status, or
/// from what went wrong on the way (timeout, TLS, DNS, refused). sentence() is what the UI shows.
class ApiError final
{
public:
    enum class Kind {
        None, ///< no error
        Status, ///< the server answered with an error status
        Timeout, ///< no answer in time
        Tls, ///< the TLS handshake failed (certificate, key, server name)
        HostNotFound,
        ConnectionRefused,
        Network, ///< another transport failure: reset, closed, proxy
        Credentials, ///< the kubeconfig's credentials cannot be used (exec plugin, files)
        Decode, ///< the answer was not what the API promises
        Cancelled, ///< the caller gave up on the request
        FellBehind, ///< a stream came faster than the console took it in; it was dropped to resume
    };

    Kind kind = Kind::None;
    int httpStatus = 0; ///< 0 for transport failures
    QString reason; ///< metav1.Status reason: NotFound, Forbidden, Conflict, Expired, ...
    QString message; ///< the server's message, or the transport's
    QList<StatusCause> causes;
    int retryAfterSeconds = 0; ///< from details.retryAfterSeconds or the Retry-After header
    QString operation; ///< what was attempted, e.g. "GET /api/v1/pods"

    bool isError() const { return kind != Kind::None; }
    bool isNotFound() const { return httpStatus == 404; }
    bool isForbidden() const { return httpStatus == 403; }
    bool isUnauthorized() const { return httpStatus == 401; }
    bool isConflict() const { return httpStatus == 409; }
    /// 410 Gone: the resourceVersion is older than the server's history; list again.
    bool isGone() const { return httpStatus == 410 || reason == QLatin1String("Expired"); }
    /// 504 with cause ResourceVersionTooLarge: the server is behind the version asked for.
    bool isResourceVersionTooLarge() const;
    /// Worth retrying for an idempotent read: 429, 5xx, timeouts and transport failures.
    bool isTransient() const;

    /// What failed, why, and what to do, in one or two sentences.
    QString sentence() const;

    static ApiError none() { return {}; }
    /// From an HTTP error answer: a metav1.Status body when there is one, else the status line.
    static ApiError fromResponse(int httpStatus, const QByteArray &body, const QString &operation);
    /// From a metav1.Status object (also how watch ERROR events carry errors).
    static ApiError fromStatus(const QJsonObject &status, const QString &operation);
    static ApiError transport(Kind kind, const QString &detail, const QString &operation);
    static ApiError decode(const QString &detail, const QString &operation);
    static ApiError credentials(const QString &detail);
};

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::ApiError)
