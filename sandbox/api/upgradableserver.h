#pragma once

#include <httplib.h>

#include <functional>
#include <string>

// cpp-httplib 0.11 (Debian 12's) cannot hand a connection over to another protocol, which
// kubectl exec and port-forward need (an HTTP/1.1 Upgrade to WebSocket). These servers serve
// each connection themselves: a connection whose first request asks to upgrade goes to the
// upgrade handler with the raw connection; every other one is served by cpp-httplib's own
// request processing, over the same kind of stream it would have used.
namespace lucent::sandbox {

/// One accepted connection, plain or TLS, read and written with blocking calls that time out.
class Connection
{
public:
    Connection(int fd, SSL *ssl, int timeoutSeconds);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    /// Up to @p size bytes; 0 when the peer closed, -1 on an error or a timeout.
    long read(char *buffer, std::size_t size);
    /// Up to @p size bytes without consuming them.
    long peek(char *buffer, std::size_t size);
    /// All of @p data, or false.
    bool write(const char *data, std::size_t size);
    bool write(const std::string &data) { return write(data.data(), data.size()); }
    /// Whether there is something to read within @p milliseconds.
    bool waitReadable(int milliseconds) const;
    bool waitWritable(int milliseconds) const;
    int fd() const { return m_fd; }
    SSL *ssl() const { return m_ssl; }

private:
    int m_fd;
    SSL *m_ssl;
};

/// Takes a connection whose first request, @p head (its request line and headers), asks to
/// upgrade; the head is still unread on @p connection.
using UpgradeHandler = std::function<void(Connection &connection, const std::string &head)>;

/// Whether @p head (a request line and headers) asks to switch protocols.
bool asksToUpgrade(const std::string &head);

class UpgradableServer : public httplib::Server
{
public:
    UpgradeHandler onUpgrade;

private:
    bool process_and_close_socket(socket_t sock) override;
};

class UpgradableSslServer : public httplib::SSLServer
{
public:
    using httplib::SSLServer::SSLServer;
    UpgradeHandler onUpgrade;

private:
    bool process_and_close_socket(socket_t sock) override;
};

} // namespace lucent::sandbox
