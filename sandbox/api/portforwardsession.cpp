#include "sandbox/api/portforwardsession.h"

#include "sandbox/api/spdy.h"
#include "sandbox/api/status.h"
#include "sandbox/api/websocket.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace lucent::sandbox {

namespace {

constexpr const char *TunnelProtocol = "SPDY/3.1+portforward.k8s.io";
constexpr std::size_t MaxForwardedRequest = 1 << 20;

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

// WebSocket binary messages as one byte stream, as client-go's tunnelling connection sends it.
class Tunnel
{
public:
    explicit Tunnel(Connection &connection)
        : m_connection(connection)
        , m_reader(16 << 20)
    {
    }
    long read(char *buffer, std::size_t size)
    {
        while (m_pending.empty()) {
            if (auto message = m_reader.take()) {
                if (message->opcode == websocket::Opcode::Close)
                    return 0;
                if (message->opcode == websocket::Opcode::Ping)
                    m_connection.write(websocket::frame(websocket::Opcode::Pong, message->payload));
                else if (message->opcode == websocket::Opcode::Binary)
                    m_pending = std::move(message->payload);
                continue;
            }
            if (!m_reader.error().empty())
                return -1;
            char chunk[16 * 1024];
            const long n = m_connection.read(chunk, sizeof chunk);
            if (n <= 0)
                return n;
            m_reader.feed(std::string_view(chunk, std::size_t(n)));
        }
        const std::size_t n = std::min(size, m_pending.size());
        std::memcpy(buffer, m_pending.data(), n);
        m_pending.erase(0, n);
        return long(n);
    }
    bool write(const std::string &bytes)
    {
        return m_connection.write(websocket::frame(websocket::Opcode::Binary, bytes));
    }

private:
    Connection &m_connection;
    websocket::MessageReader m_reader;
    std::string m_pending;
};

// A forwarded HTTP request is whole once its head and Content-Length bytes are there.
bool wholeRequest(const std::string &bytes)
{
    const auto end = bytes.find("\r\n\r\n");
    if (end == std::string::npos)
        return false;
    const std::string head = lowered(bytes.substr(0, end));
    const auto at = head.find("\r\ncontent-length:");
    const std::size_t length = at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 17, nullptr, 10);
    return bytes.size() >= end + 4 + length;
}

struct Forwarded {
    std::uint32_t data = 0;
    std::uint32_t error = 0;
    int port = 0;
    std::string received;
    bool answered = false;
};

void answer(spdy::Session &spdy, Forwarded &f, const Forward &forward)
{
    f.answered = true;
    const ForwardAnswer a = f.received.size() > MaxForwardedRequest
        ? ForwardAnswer{true, "", "the forwarded request is larger than the simulated service reads"}
        : forward(f.port, f.received);
    if (a.refused) {
        spdy.data(f.error, a.error, true);
        spdy.data(f.data, {}, true);
    } else {
        spdy.data(f.data, a.bytes, true);
        spdy.data(f.error, {}, true);
    }
}

void serveSession(spdy::Session &spdy, const Forward &forward)
{
    std::map<std::string, Forwarded> byRequest;
    std::map<std::uint32_t, std::string> requestOf;
    std::uint32_t last = 0;
    while (auto frame = spdy.next()) {
        if (!frame->control) {
            auto it = requestOf.find(frame->streamId);
            if (it == requestOf.end())
                continue;
            Forwarded &f = byRequest[it->second];
            if (frame->streamId != f.data || f.answered)
                continue;
            f.received += frame->payload;
            if (wholeRequest(f.received) || ((frame->flags & spdy::FlagFin) && !f.received.empty()))
                answer(spdy, f, forward);
            continue;
        }
        switch (frame->type) {
        case spdy::ControlType::SynStream: {
            last = std::max(last, frame->streamId);
            auto headers = frame->payload.size() >= 10 ? spdy.readHeaders(std::string_view(frame->payload).substr(10))
                                                       : std::nullopt;
            if (!headers)
                return;
            const std::string id = (*headers)["requestid"], type = (*headers)["streamtype"];
            Forwarded &f = byRequest[id];
            f.port = std::atoi((*headers)["port"].c_str());
            (type == "error" ? f.error : f.data) = frame->streamId;
            requestOf[frame->streamId] = id;
            if (!spdy.synReply(frame->streamId, {}))
                return;
            break;
        }
        case spdy::ControlType::Ping: spdy.ping(frame->payload); break;
        case spdy::ControlType::GoAway: return;
        default: break; // SETTINGS, WINDOW_UPDATE, RST_STREAM, HEADERS: nothing to do
        }
    }
    spdy.goAway(last);
}

void refuse(Connection &connection, const std::string &why)
{
    const std::string body = ApiResponse::json(400, ApiError::badRequest(why).toStatus()).body;
    connection.write("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: "
                     + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

} // namespace

void servePortForward(Connection &connection, const ApiRequest &request, const Forward &forward)
{
    const std::string upgrade = lowered(request.header("upgrade"));
    if (upgrade == "websocket") {
        const std::string offered = request.header("sec-websocket-protocol");
        const std::string key = request.header("sec-websocket-key");
        if (offered.find(TunnelProtocol) == std::string::npos || key.empty())
            return refuse(connection,
                          std::string("lucent-sandbox forwards ports over WebSocket with the ") + TunnelProtocol
                              + " protocol (kubectl 1.31 and later), or over SPDY/3.1");
        connection.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: "
                         + websocket::acceptKey(key) + "\r\nSec-WebSocket-Protocol: " + TunnelProtocol + "\r\n\r\n");
        Tunnel tunnel(connection);
        spdy::Session spdy([&tunnel](char *b, std::size_t n) { return tunnel.read(b, n); },
                           [&tunnel](const std::string &bytes) { return tunnel.write(bytes); });
        serveSession(spdy, forward);
        connection.write(websocket::closeFrame(1000));
        return;
    }
    if (upgrade.rfind("spdy/3.1", 0) != 0)
        return refuse(connection, "a port-forward upgrades to SPDY/3.1 or to WebSocket, not to " + upgrade);
    connection.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n"
                     "X-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n");
    spdy::Session spdy([&connection](char *b, std::size_t n) { return connection.read(b, n); },
                       [&connection](const std::string &bytes) { return connection.write(bytes); });
    serveSession(spdy, forward);
}

} // namespace lucent::sandbox
