#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// SPDY/3.1 framing, the server's side, as far as kubectl's port-forward uses it (client-go's
// spdystream): SYN_STREAM/SYN_REPLY with zlib-compressed header blocks, DATA, RST_STREAM,
// PING, GOAWAY; SETTINGS and WINDOW_UPDATE are read and ignored (the replies are small).
namespace lucent::sandbox::spdy {

enum class ControlType : std::uint16_t {
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9
};

constexpr std::uint8_t FlagFin = 0x01;

struct Frame {
    bool control = false;
    ControlType type = ControlType::SynStream; ///< control frames
    std::uint32_t streamId = 0; ///< data frames, and SYN_STREAM/SYN_REPLY/RST_STREAM
    std::uint8_t flags = 0;
    std::string payload; ///< for SYN_STREAM, the header block follows its first 10 bytes
};

using Headers = std::map<std::string, std::string>;

/// One SPDY session over a byte stream: @p read gives up to n bytes (0 at the end, < 0 on an
/// error), @p write sends all of a buffer.
class Session
{
public:
    using Read = std::function<long(char *buffer, std::size_t size)>;
    using Write = std::function<bool(const std::string &bytes)>;

    Session(Read read, Write write);
    ~Session();
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    /// The next whole frame; nullopt at the end of the stream or on a malformed one (error()).
    std::optional<Frame> next();
    /// The name/value pairs of a header block from the client (one zlib stream for the session).
    std::optional<Headers> readHeaders(std::string_view compressed);
    bool synReply(std::uint32_t stream, const Headers &headers);
    bool data(std::uint32_t stream, std::string_view bytes, bool fin);
    bool reset(std::uint32_t stream, std::uint32_t status);
    bool ping(const std::string &payload);
    bool goAway(std::uint32_t lastStream);
    const std::string &error() const { return m_error; }

private:
    bool fill(std::size_t bytes);
    std::string compress(const Headers &headers);

    struct Zlib;
    Read m_read;
    Write m_write;
    std::string m_buffer;
    std::string m_error;
    std::unique_ptr<Zlib> m_zlib;
};

} // namespace lucent::sandbox::spdy
