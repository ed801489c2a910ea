#pragma once

#include <QHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace Lucent::Tests {

/// A tiny HTTP/1.1 server on a free loopback port that answers from a script and records
/// what it was asked. One request per connection.
class ScriptedServer : public QObject
{
public:
    struct Response {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        int delayMs = 0;
        /// Writes the answer itself, for servers that misbehave (a trickle, a reset, an
        /// answer without end); status, body and headers are then ignored.
        std::function<void(QTcpSocket *)> custom = {};
    };
    struct Request {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };

    ScriptedServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    QList<Response> script;
    /// The answer once the script is used up (a 404 unless set).
    Response whenScriptEnds{404, "{}", {}, 0};
    /// Answers for paths that start with a key, taken before script (for a client that asks
    /// several endpoints in no fixed order).
    QHash<QByteArray, QList<Response>> scriptByPath;
    QList<Request> requests;

    /// The status line and headers of a 200 answer whose body the caller writes.
    static void writeHeaders(QTcpSocket *socket, const QByteArray &extra = {})
    {
        socket->write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n" + extra + "\r\n");
    }

    /// Writes @p piece again and again as the socket drains, until @p total bytes went (0: for
    /// ever, until the client goes away).
    static void writeEndlessly(QTcpSocket *socket, const QByteArray &piece, qint64 total)
    {
        auto sent = std::make_shared<qint64>(0);
        auto more = [socket, piece, total, sent] {
            while (socket->bytesToWrite() < 4 * piece.size() && (total == 0 || *sent < total)
                   && socket->state() == QAbstractSocket::ConnectedState) {
                socket->write(piece);
                *sent += piece.size();
            }
            if (total > 0 && *sent >= total)
                socket->disconnectFromHost();
        };
        QObject::connect(socket, &QTcpSocket::bytesWritten, socket, more);
        more();
    }

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        Request request;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const int length = request.headers.value("content-length").toInt();
        if (buffer.size() < end + 4 + length)
            return; // the body is still coming
        request.body = buffer.mid(end + 4, length);
        requests.append(request);
        m_buffers.remove(socket);
        QList<Response> *answers = &script;
        for (auto it = scriptByPath.begin(); it != scriptByPath.end(); ++it) {
            if (request.path.startsWith(it.key()) && !it.value().isEmpty())
                answers = &it.value();
        }
        const Response response = answers->isEmpty() ? whenScriptEnds : answers->takeFirst();
        QTimer::singleShot(response.delayMs, socket, [socket, response] {
            if (response.custom) {
                response.custom(socket);
                return;
            }
            QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status)
                + " X\r\nConnection: close\r\n"
                  "Content-Type: application/json\r\nContent-Length: "
                + QByteArray::number(response.body.size()) + "\r\n";
            for (const auto &[name, value] : response.headers)
                out += name + ": " + value + "\r\n";
            socket->write(out + "\r\n" + response.body);
            socket->disconnectFromHost();
        });
    }
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace Lucent::Tests
