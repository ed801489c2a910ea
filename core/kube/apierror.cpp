#include "core/kube/apierror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Lucent::Core::Kube {

namespace {

QString withOperation(const QString &operation, const QString &text)
{
    return operation.isEmpty() ? text : operation + QStringLiteral(": ") + text;
}

QString causesText(const QList<StatusCause> &causes)
{
    QStringList parts;
    for (const StatusCause &cause : causes) {
        if (cause.field.isEmpty())
            parts.append(cause.message);
        else
            parts.append(cause.field + QStringLiteral(": ") + cause.message);
    }
    return parts.join(QStringLiteral("; "));
}

// HTTP status lines for answers that carry no metav1.Status (a proxy, a load balancer).
QString reasonForCode(int code)
{
    switch (code) {
    case 400: return QStringLiteral("BadRequest");
    case 401: return QStringLiteral("Unauthorized");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("NotFound");
    case 405: return QStringLiteral("MethodNotAllowed");
    case 409: return QStringLiteral("Conflict");
    case 410: return QStringLiteral("Expired");
    case 413: return QStringLiteral("RequestEntityTooLarge");
    case 415: return QStringLiteral("UnsupportedMediaType");
    case 422: return QStringLiteral("Invalid");
    case 429: return QStringLiteral("TooManyRequests");
    case 500: return QStringLiteral("InternalError");
    case 503: return QStringLiteral("ServiceUnavailable");
    case 504: return QStringLiteral("Timeout");
    default: return code >= 500 ? QStringLiteral("InternalError") : QStringLiteral("Unknown");
    }
}

} // namespace

bool ApiError::isResourceVersionTooLarge() const
{
    return std::any_of(causes.cbegin(), causes.cend(),
                       [](const StatusCause &c) { return c.reason == QLatin1String("ResourceVersionTooLarge"); })
        || message.startsWith(QLatin1String("Too large resource version"));
}

bool ApiError::isTransient() const
{
    switch (kind) {
    case Kind::Status: return httpStatus == 429 || httpStatus >= 500;
    case Kind::Timeout:
    case Kind::ConnectionRefused:
    case Kind::Network:
    case Kind::FellBehind: return true;
    default: return false;
    }
}

QString ApiError::sentence() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::Cancelled: return withOperation(operation, QStringLiteral("the request was cancelled."));
    case Kind::Credentials: return message;
    case Kind::Timeout:
        return withOperation(operation,
                             QStringLiteral("the cluster gave no answer in time. It may be overloaded or "
                                            "unreachable; check the network or VPN and try again."));
    case Kind::Tls:
        return withOperation(operation,
                             QStringLiteral("the secure connection to the cluster failed (%1). Check the "
                                            "certificate-authority, client certificate and tls-server-name in "
                                            "the kubeconfig.")
                                 .arg(message));
    case Kind::HostNotFound:
        return withOperation(operation,
                             QStringLiteral("the cluster's host name could not be resolved (%1). Check the "
                                            "server address in the kubeconfig, and DNS or VPN.")
                                 .arg(message));
    case Kind::ConnectionRefused:
        return withOperation(operation,
                             QStringLiteral("the cluster refused the connection (%1). Check that the API "
                                            "server runs at the kubeconfig's server address.")
                                 .arg(message));
    case Kind::Network:
        return withOperation(operation,
                             QStringLiteral("the connection to the cluster failed (%1). Check the network and try "
                                            "again.")
                                 .arg(message));
    case Kind::FellBehind:
        return withOperation(operation,
                             QStringLiteral("the server sent faster than the console could take in (%1); the "
                                            "stream was dropped and resumes from where it was.")
                                 .arg(message));
    case Kind::Decode:
        return withOperation(operation,
                             QStringLiteral("the cluster's answer could not be read (%1). The server may not "
                                            "be a Kubernetes API server, or a proxy changed the answer.")
                                 .arg(message));
    case Kind::Status: break;
    }

    const QString what = message.isEmpty() ? reason : message;
    QString text;
    if (httpStatus == 401) {
        text = QStringLiteral("the cluster did not accept the credentials (%1). Check the user's token or "
                              "certificate in the kubeconfig, or log in again.")
                   .arg(what);
    } else if (httpStatus == 403) {
        text = QStringLiteral("the cluster denied the request: %1. Ask a cluster administrator for this "
                              "permission, or use a context whose user has it.")
                   .arg(what);
    } else if (httpStatus == 404) {
        text = QStringLiteral("%1. It may have been deleted meanwhile; refresh the view.").arg(what);
    } else if (httpStatus == 409) {
        text = QStringLiteral("%1. Someone else changed it meanwhile: reload it and try again.").arg(what);
    } else if (isGone()) {
        text = QStringLiteral("the cluster's change history no longer reaches back far enough (%1). The view "
                              "reloads from a fresh list.")
                   .arg(what);
    } else if (httpStatus == 429) {
        text = QStringLiteral("the cluster is throttling requests (%1). Wait %2 and try again.")
                   .arg(what,
                        retryAfterSeconds > 0 ? QStringLiteral("%1 s").arg(retryAfterSeconds)
                                              : QStringLiteral("a moment"));
    } else if (httpStatus >= 500) {
        text = QStringLiteral("the API server failed with %1 %2 (%3). Try again; if it persists, check the "
                              "cluster's health.")
                   .arg(httpStatus)
                   .arg(reason, what);
    } else {
        text = QStringLiteral("the cluster rejected the request with %1 %2: %3.").arg(httpStatus).arg(reason, what);
    }
    if (!causes.isEmpty() && httpStatus == 422)
        text += QStringLiteral(" Details: %1.").arg(causesText(causes));
    return withOperation(operation, text);
}

ApiError ApiError::fromStatus(const QJsonObject &status, const QString &operation)
{
    ApiError error;
    error.kind = Kind::Status;
    error.operation = operation;
    error.httpStatus = status.value(QLatin1String("code")).toInt();
    error.reason = status.value(QLatin1String("reason")).toString();
    error.message = status.value(QLatin1String("message")).toString();
    const QJsonObject details = status.value(QLatin1String("details")).toObject();
    error.retryAfterSeconds = details.value(QLatin1String("retryAfterSeconds")).toInt();
    const QJsonArray causes = details.value(QLatin1String("causes")).toArray();
    for (const auto &value : causes) {
        const QJsonObject cause = value.toObject();
        error.causes.append({cause.value(QLatin1String("reason")).toString(),
                             cause.value(QLatin1String("message")).toString(),
                             cause.value(QLatin1String("field")).toString()});
    }
    if (error.reason.isEmpty() && error.httpStatus > 0)
        error.reason = reasonForCode(error.httpStatus);
    return error;
}

ApiError ApiError::fromResponse(int httpStatus, const QByteArray &body, const QString &operation)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = document.object();
    if (parseError.error == QJsonParseError::NoError
        && object.value(QLatin1String("kind")) == QLatin1String("Status")) {
        ApiError error = fromStatus(object, operation);
        error.httpStatus = httpStatus; // the status line wins over a body that disagrees
        if (error.reason.isEmpty())
            error.reason = reasonForCode(httpStatus);
        return error;
    }
    ApiError error;
    error.kind = Kind::Status;
    error.operation = operation;
    error.httpStatus = httpStatus;
    error.reason = reasonForCode(httpStatus);
    // A non-Status body (an HTML error page from a proxy): keep a short, single-line excerpt.
    QString excerpt = QString::fromUtf8(body.left(200)).simplified();
    error.message = excerpt.isEmpty() ? error.reason : excerpt;
    return error;
}

ApiError ApiError::transport(Kind kind, const QString &detail, const QString &operation)
{
    ApiError error;
    error.kind = kind;
    error.message = detail;
    error.operation = operation;
    return error;
}

ApiError ApiError::decode(const QString &detail, const QString &operation)
{
    return transport(Kind::Decode, detail, operation);
}

ApiError ApiError::credentials(const QString &detail)
{
    return transport(Kind::Credentials, detail, {});
}

} // namespace Lucent::Core::Kube
