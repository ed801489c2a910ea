#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// The WebSocket protocol (RFC 6455) from the server's side: the handshake's accept key,
// frames to the client (unmasked) and messages from it (masked frames, fragments joined).
namespace lucent::sandbox::websocket {

enum class Opcode : unsigned char { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string acceptKey(const std::string &clientKey);

/// One whole frame from the server.
std::string frame(Opcode opcode, std::string_view payload);

/// A close frame with @p code (1000: normal) and a reason.
std::string closeFrame(unsigned code, std::string_view reason = {});

struct Message {
    Opcode opcode = Opcode::Binary;
    std::string payload;
};

/// Joins a client's frames into messages. Feed it what arrives; take() hands out each message
/// once it is whole (control frames as they come). A protocol violation sets error().
class MessageReader
{
public:
    explicit MessageReader(std::size_t maxMessageBytes)
        : m_max(maxMessageBytes)
    {
    }
    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    std::optional<Message> take();
    const std::string &error() const { return m_error; }

private:
    std::size_t m_max;
    std::string m_buffer;
    std::string m_fragments;
    Opcode m_fragmentOpcode = Opcode::Binary;
    bool m_inFragments = false;
    std::string m_error;
};

} // namespace lucent::sandbox::websocket
