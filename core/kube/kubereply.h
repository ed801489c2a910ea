#pragma once

#include "core/kube/apierror.h"
#include "core/kube/kuberequest.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace Lucent::Core::Kube {

class KubeClient;

/// The answer to a KubeRequest, arriving later. Emits finished() once - with error() set
/// when it failed - and deletes itself afterwards, so read it in the slot. Streams emit
/// dataReceived() for each piece of a successful answer before finished().
class KubeReply final : public QObject
{
    Q_OBJECT

public:
    ~KubeReply() override;
    Q_DISABLE_COPY_MOVE(KubeReply)

    const KubeRequest &request() const { return m_request; }
    bool isFinished() const { return m_finished; }
    const ApiError &error() const { return m_error; }
    int httpStatus() const { return m_httpStatus; }
    /// The whole body, inflated if it came gzip-compressed; for a successful stream, empty
    /// (it went out through dataReceived). Inflating a big list costs time: workers use
    /// rawBody() and decodeBody() instead, off the GUI thread.
    const QByteArray &body() const;
    const QByteArray &rawBody() const { return m_body; }
    bool isCompressed() const { return m_gzip; }
    /// Inflates @p raw when @p gzip; empty when that fails.
    static QByteArray decodeBody(const QByteArray &raw, bool gzip);
    /// The body as a JSON object; empty when it is not one.
    QJsonObject json() const;
    int attempts() const { return m_attempts; }

    /// Gives up: finished() follows with a Cancelled error unless it has already come.
    void abort();
    /// A stream's consumer that cannot keep up stops reading: the bytes wait inside QtNetwork,
    /// which keeps reading the socket (Qt 6.4), so the server is not slowed; a request's
    /// dropWhenBehindBytes bounds that wait. Reading again delivers what waited.
    void setReadingPaused(bool paused);
    bool isReadingPaused() const { return m_readingPaused; }
    /// The consumers' one rule: pause past 8 MB of @p bytesWaiting (received, not yet parsed
    /// or decoded on the background thread), read again below 2 MB. QtNetwork keeps reading
    /// meanwhile; see KubeRequest::dropWhenBehindBytes.
    void applyBackpressure(qsizetype bytesWaiting);

Q_SIGNALS:
    void dataReceived(const QByteArray &chunk);
    void finished();

private:
    friend class KubeClient;
    KubeReply(KubeRequest request, KubeClient *client);

    KubeRequest m_request;
    QPointer<KubeClient> m_client;
    QPointer<QObject> m_network; ///< the QNetworkReply of the current attempt
    QNetworkAccessManager *m_streamManager = nullptr; ///< streams get their own connection
    QTimer *m_timer = nullptr; ///< the attempt's timeout, or a retry's delay
    QTimer *m_deadline = nullptr; ///< a stream's whole-life limit
    QElapsedTimer m_started;
    ApiError m_error;
    QByteArray m_body; ///< as it came over the wire
    mutable QByteArray m_decoded;
    mutable bool m_isDecoded = false;
    bool m_gzip = false;
    QString m_tlsErrors;
    int m_httpStatus = 0;
    int m_attempts = 0;
    bool m_finished = false;
    bool m_holdsSlot = false; ///< counts against the concurrency limit
    bool m_authRetried = false; ///< a 401 has been answered with fresh credentials once
    bool m_timedOut = false;
    bool m_tooLarge = false; ///< the answer passed MaxAnswerBytes and was dropped
    qint64 m_fellBehindBytes = 0; ///< a stream had this much unread when it was dropped
    bool m_aborted = false;
    bool m_streaming = false; ///< a 2xx stream is delivering data
    bool m_readingPaused = false;
};

} // namespace Lucent::Core::Kube
