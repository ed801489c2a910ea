#include "sandbox/api/upgradableserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace lucent::sandbox {

namespace {

// A request line and headers fit in this; a longer head is not an upgrade we serve.
constexpr std::size_t MaxHeadBytes = 16 * 1024;

void setTimeouts(int fd, int seconds)
{
    timeval tv{seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void address(int fd, bool peer, std::string &ip, int &port)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    auto *addr = reinterpret_cast<sockaddr *>(&storage);
    if ((peer ? getpeername(fd, addr, &length) : getsockname(fd, addr, &length)) != 0)
        return;
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET) {
        const auto *in = reinterpret_cast<const sockaddr_in *>(&storage);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
    } else if (storage.ss_family == AF_INET6) {
        const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(&storage);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
    }
    ip = text;
}

// cpp-httplib's request processing over a Connection, as its own socket stream would do it.
class ConnectionStream final : public httplib::Stream
{
public:
    ConnectionStream(Connection &connection, int timeoutSeconds)
        : m_connection(connection)
        , m_timeoutMs(timeoutSeconds * 1000)
    {
    }
    bool is_readable() const override { return m_connection.waitReadable(m_timeoutMs); }
    bool is_writable() const override { return m_connection.waitWritable(m_timeoutMs); }
    ssize_t read(char *ptr, size_t size) override { return m_connection.read(ptr, size); }
    ssize_t write(const char *ptr, size_t size) override { return m_connection.write(ptr, size) ? ssize_t(size) : -1; }
    void get_remote_ip_and_port(std::string &ip, int &port) const override
    {
        address(m_connection.fd(), true, ip, port);
    }
    void get_local_ip_and_port(std::string &ip, int &port) const override
    {
        address(m_connection.fd(), false, ip, port);
    }
    socket_t socket() const override { return m_connection.fd(); }

private:
    Connection &m_connection;
    int m_timeoutMs;
};

// The request line and headers of the first request, peeked: they stay unread. Empty when
// they do not arrive whole soon (not an upgrade then: cpp-httplib reads them its own way).
std::string peekHead(Connection &connection)
{
    std::string buffer(MaxHeadBytes, '\0');
    long previous = -1;
    for (int attempt = 0; attempt < 50; ++attempt) {
        const long n = connection.peek(buffer.data(), buffer.size());
        if (n <= 0)
            return {};
        const auto end = std::string_view(buffer.data(), std::size_t(n)).find("\r\n\r\n");
        if (end != std::string_view::npos)
            return buffer.substr(0, end + 4);
        if (n == previous && connection.ssl())
            return {}; // a TLS peek sees one record at a time
        previous = n;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
}

using Process = std::function<bool(httplib::Stream &, bool closeConnection, bool &connectionClosed)>;

void serve(Connection &connection, const UpgradeHandler &onUpgrade, const std::atomic<socket_t> &listening,
           std::size_t maxRequests, int keepAliveSeconds, int timeoutSeconds, const Process &process)
{
    if (!connection.waitReadable(keepAliveSeconds * 1000))
        return;
    if (onUpgrade) {
        const std::string head = peekHead(connection);
        if (asksToUpgrade(head)) {
            onUpgrade(connection, head);
            return;
        }
    }
    ConnectionStream stream(connection, timeoutSeconds);
    for (std::size_t left = maxRequests; left > 0 && listening != INVALID_SOCKET; --left) {
        if (left != maxRequests && !connection.waitReadable(keepAliveSeconds * 1000))
            return;
        bool closed = false;
        if (!process(stream, left == 1, closed) || closed)
            return;
    }
}

void closeSocket(socket_t sock)
{
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
}

} // namespace

Connection::Connection(int fd, SSL *ssl, int timeoutSeconds)
    : m_fd(fd)
    , m_ssl(ssl)
{
    setTimeouts(fd, timeoutSeconds);
}

Connection::~Connection()
{
    if (m_ssl) {
        SSL_shutdown(m_ssl);
        SSL_free(m_ssl);
    }
}

long Connection::read(char *buffer, std::size_t size)
{
    if (m_ssl) {
        const int n = SSL_read(m_ssl, buffer, int(std::min<std::size_t>(size, 1 << 30)));
        return n > 0 ? n : (SSL_get_error(m_ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
    }
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, size, 0);
        if (n >= 0 || errno != EINTR)
            return long(n);
    }
}

long Connection::peek(char *buffer, std::size_t size)
{
    if (m_ssl) {
        const int n = SSL_peek(m_ssl, buffer, int(std::min<std::size_t>(size, 1 << 30)));
        return n > 0 ? n : -1;
    }
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, size, MSG_PEEK);
        if (n >= 0 || errno != EINTR)
            return long(n);
    }
}

bool Connection::write(const char *data, std::size_t size)
{
    while (size > 0) {
        long n;
        if (m_ssl) {
            n = SSL_write(m_ssl, data, int(std::min<std::size_t>(size, 1 << 30)));
        } else {
            n = long(::send(m_fd, data, size, MSG_NOSIGNAL));
            if (n < 0 && errno == EINTR)
                continue;
        }
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

bool Connection::waitReadable(int milliseconds) const
{
    if (m_ssl && SSL_pending(m_ssl) > 0)
        return true;
    pollfd p{m_fd, POLLIN, 0};
    return ::poll(&p, 1, milliseconds) > 0;
}

bool Connection::waitWritable(int milliseconds) const
{
    pollfd p{m_fd, POLLOUT, 0};
    return ::poll(&p, 1, milliseconds) > 0;
}

bool asksToUpgrade(const std::string &head)
{
    std::string lower(head.size(), '\0');
    std::transform(head.begin(), head.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return lower.find("\r\nupgrade:") != std::string::npos;
}

bool UpgradableServer::process_and_close_socket(socket_t sock)
{
    {
        Connection connection(sock, nullptr, int(read_timeout_sec_));
        serve(connection, onUpgrade, svr_sock_, keep_alive_max_count_, int(keep_alive_timeout_sec_),
              int(read_timeout_sec_), [this](httplib::Stream &stream, bool close, bool &closed) {
                  return process_request(stream, close, closed, nullptr);
              });
    }
    closeSocket(sock);
    return true;
}

bool UpgradableSslServer::process_and_close_socket(socket_t sock)
{
    setTimeouts(sock, int(read_timeout_sec_));
    SSL *ssl = SSL_new(ssl_context());
    bool accepted = false;
    if (ssl) {
        SSL_set_fd(ssl, sock);
        accepted = SSL_accept(ssl) == 1;
        if (!accepted)
            SSL_free(ssl);
    }
    if (accepted) {
        Connection connection(sock, ssl, int(read_timeout_sec_)); // frees the SSL
        serve(connection, onUpgrade, svr_sock_, keep_alive_max_count_, int(keep_alive_timeout_sec_),
              int(read_timeout_sec_), [this, ssl](httplib::Stream &stream, bool close, bool &closed) {
                  return process_request(stream, close, closed, [ssl](httplib::Request &req) { req.ssl = ssl; });
              });
    }
    closeSocket(sock);
    return accepted;
}

} // namespace lucent::sandbox
