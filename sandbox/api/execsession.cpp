#include "sandbox/api/execsession.h"

#include "sandbox/api/portforwardsession.h"
#include "sandbox/api/status.h"
#include "sandbox/api/websocket.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

// Kubernetes' stream channels: the first byte of each binary message.
enum Channel : char { Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = char(255) };
// A client message larger than this is a client error (stdin comes in small pieces).
constexpr std::size_t MaxClientMessage = 1 << 20;
constexpr std::size_t MaxStdin = 16 << 20;
constexpr std::chrono::milliseconds ProcessStart{150};

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string trimmed(const std::string &text)
{
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string percentDecoded(const std::string &text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1]))
                   && std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

void answerPlainly(Connection &connection, const ApiResponse &response)
{
    connection.write("HTTP/1.1 " + std::to_string(response.status) + " " + reasonPhrase(response.status)
                     + "\r\nContent-Type: " + response.contentType + "\r\nContent-Length: "
                     + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body);
}

// The subprotocol to speak: the newest channel protocol the client offers.
std::string chooseProtocol(const std::string &offered)
{
    for (const char *protocol : {"v5.channel.k8s.io", "v4.channel.k8s.io"}) {
        std::size_t start = 0;
        while (start <= offered.size()) {
            const std::size_t comma = std::min(offered.find(',', start), offered.size());
            if (trimmed(offered.substr(start, comma - start)) == protocol)
                return protocol;
            start = comma + 1;
        }
    }
    return {};
}

// What the client sends to stdin, until it closes stdin (v5), the WebSocket, or the connection.
std::string readStdin(Connection &connection, websocket::MessageReader &reader)
{
    std::string input;
    char buffer[16 * 1024];
    for (;;) {
        while (auto message = reader.take()) {
            if (message->opcode == websocket::Opcode::Close)
                return input;
            if (message->opcode == websocket::Opcode::Ping) {
                connection.write(websocket::frame(websocket::Opcode::Pong, message->payload));
                continue;
            }
            if (message->payload.empty())
                continue;
            if (message->payload[0] == Stdin && input.size() < MaxStdin)
                input += message->payload.substr(1);
            else if (message->payload[0] == Close && message->payload.size() > 1 && message->payload[1] == Stdin)
                return input;
        }
        if (!reader.error().empty())
            return input;
        const long n = connection.read(buffer, sizeof buffer);
        if (n <= 0)
            return input;
        reader.feed(std::string_view(buffer, std::size_t(n)));
    }
}

json exitStatus(const ExecResult &result, const std::vector<std::string> &argv)
{
    if (result.exitCode == 0)
        return {{"metadata", json::object()}, {"status", "Success"}};
    std::string command;
    for (const auto &word : argv)
        command += (command.empty() ? "" : " ") + word;
    const std::string code = std::to_string(result.exitCode);
    return {
        {"metadata", json::object()},
        {"status", "Failure"},
        {"message",
         "command terminated with non-zero exit code: error executing command [" + command + "], exit code " + code},
        {"reason", "NonZeroExitCode"},
        {"details", {{"causes", json::array({{{"reason", "ExitCode"}, {"message", code}}})}}}};
}

void sendChannel(Connection &connection, Channel channel, const std::string &data)
{
    constexpr std::size_t Piece = 32 * 1024;
    for (std::size_t at = 0; at < data.size(); at += Piece)
        connection.write(websocket::frame(websocket::Opcode::Binary, std::string(1, channel) + data.substr(at, Piece)));
}

} // namespace

std::optional<ApiRequest> parseRequestHead(const std::string &head)
{
    const auto lineEnd = head.find("\r\n");
    const std::string line = head.substr(0, lineEnd);
    const auto space = line.find(' '), lastSpace = line.rfind(' ');
    if (space == std::string::npos || lastSpace == space || line.substr(lastSpace + 1) != "HTTP/1.1")
        return std::nullopt;
    ApiRequest request;
    request.method = line.substr(0, space);
    const std::string target = line.substr(space + 1, lastSpace - space - 1);
    const auto question = target.find('?');
    request.path = percentDecoded(target.substr(0, question));
    if (question != std::string::npos) {
        const std::string query = target.substr(question + 1);
        std::size_t start = 0;
        while (start < query.size()) {
            const std::size_t amp = std::min(query.find('&', start), query.size());
            const std::string pair = query.substr(start, amp - start);
            const auto eq = pair.find('=');
            request.query.emplace(percentDecoded(pair.substr(0, eq)),
                                  eq == std::string::npos ? std::string() : percentDecoded(pair.substr(eq + 1)));
            start = amp + 1;
        }
    }
    std::size_t at = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (at < head.size()) {
        const auto end = head.find("\r\n", at);
        const std::string header = head.substr(at, end == std::string::npos ? std::string::npos : end - at);
        const auto colon = header.find(':');
        if (colon != std::string::npos)
            request.headers[lowered(header.substr(0, colon))] = trimmed(header.substr(colon + 1));
        if (end == std::string::npos)
            break;
        at = end + 2;
    }
    return request;
}

void serveUpgrade(Connection &connection, const std::string &head,
                  const std::function<ApiResponse(ApiRequest &request)> &handle)
{
    std::string consumed(head.size(), '\0');
    for (std::size_t got = 0; got < head.size();) {
        const long n = connection.read(consumed.data() + got, head.size() - got);
        if (n <= 0)
            return;
        got += std::size_t(n);
    }
    auto request = parseRequestHead(head);
    if (!request)
        return answerPlainly(connection, ApiResponse::json(400, ApiError::badRequest("malformed request").toStatus()));
    const ApiResponse response = handle(*request);
    if (response.forward)
        return servePortForward(connection, *request, response.forward);
    if (!response.exec)
        return answerPlainly(connection, response);
    const std::string protocol = chooseProtocol(request->header("sec-websocket-protocol"));
    const std::string key = request->header("sec-websocket-key");
    if (lowered(request->header("upgrade")) != "websocket" || key.empty() || protocol.empty())
        return answerPlainly(
            connection,
            ApiResponse::json(400,
                              ApiError::badRequest("lucent-sandbox serves exec over WebSocket with the "
                                                   "v5.channel.k8s.io or v4.channel.k8s.io protocol, as "
                                                   "kubectl 1.30 and later speak it; not over SPDY (upgrade: "
                                                   + request->header("upgrade") + ")")
                                  .toStatus()));
    connection.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: "
                     + websocket::acceptKey(key) + "\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n");
    websocket::MessageReader reader(MaxClientMessage);
    const std::string input = request->flag("stdin") ? readStdin(connection, reader) : std::string();
    std::vector<std::string> argv;
    for (auto [it, end] = request->query.equal_range("command"); it != end; ++it)
        argv.push_back(it->second);
    const ExecResult result = response.exec(input);
    // A container runtime takes a moment to start a process, and client-go counts on it: output
    // that comes before its stream readers exist is discarded ("Unknown stream id"). The
    // simulated command is instant; its output waits as long as a real start would take.
    std::this_thread::sleep_for(ProcessStart);
    sendChannel(connection, Stdout, result.out);
    sendChannel(connection, Stderr, result.err);
    connection.write(
        websocket::frame(websocket::Opcode::Binary, std::string(1, Error) + exitStatus(result, argv).dump()));
    connection.write(websocket::closeFrame(1000));
}

} // namespace lucent::sandbox
