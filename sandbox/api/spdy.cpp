#include "sandbox/api/spdy.h"

#include <zlib.h>

#include <array>
#include <vector>

namespace lucent::sandbox::spdy {

namespace {

constexpr std::uint16_t Version = 3;
// More than any header block or DATA frame port-forward sends (client-go copies in 32 KB
// pieces); a bigger frame is an error rather than a buffer to fill.
constexpr std::uint32_t MaxFrame = 1024 * 1024;
constexpr std::size_t MaxHeaders = 1024 * 1024;

// SPDY/3's zlib dictionary for header blocks (its specification, section 2.6.10.1): each of
// these names as a 32-bit big-endian length and the name, then a run of common values as text.
const std::string &headerDictionary()
{
    static const std::string dictionary = [] {
        static const char *const words[] = {"options",
                                            "head",
                                            "post",
                                            "put",
                                            "delete",
                                            "trace",
                                            "accept",
                                            "accept-charset",
                                            "accept-encoding",
                                            "accept-language",
                                            "accept-ranges",
                                            "age",
                                            "allow",
                                            "authorization",
                                            "cache-control",
                                            "connection",
                                            "content-base",
                                            "content-encoding",
                                            "content-language",
                                            "content-length",
                                            "content-location",
                                            "content-md5",
                                            "content-range",
                                            "content-type",
                                            "date",
                                            "etag",
                                            "expect",
                                            "expires",
                                            "from",
                                            "host",
                                            "if-match",
                                            "if-modified-since",
                                            "if-none-match",
                                            "if-range",
                                            "if-unmodified-since",
                                            "last-modified",
                                            "location",
                                            "max-forwards",
                                            "pragma",
                                            "proxy-authenticate",
                                            "proxy-authorization",
                                            "range",
                                            "referer",
                                            "retry-after",
                                            "server",
                                            "te",
                                            "trailer",
                                            "transfer-encoding",
                                            "upgrade",
                                            "user-agent",
                                            "vary",
                                            "via",
                                            "warning",
                                            "www-authenticate",
                                            "method",
                                            "get",
                                            "status",
                                            "200 OK",
                                            "version",
                                            "HTTP/1.1",
                                            "url",
                                            "public",
                                            "set-cookie",
                                            "keep-alive",
                                            "origin"};
        std::string out;
        for (const char *word : words) {
            const std::string w(word);
            for (int shift = 24; shift >= 0; shift -= 8)
                out.push_back(static_cast<char>((w.size() >> shift) & 0xff));
            out += w;
        }
        out += "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
               "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request"
               "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented"
               "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, "
               "Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
               "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
               "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
        return out;
    }();
    return dictionary;
}

std::uint32_t be32(std::string_view bytes, std::size_t at)
{
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

void put32(std::string &out, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::string controlFrame(ControlType type, std::uint8_t flags, const std::string &payload)
{
    std::string out;
    out.push_back(static_cast<char>(0x80 | (Version >> 8)));
    out.push_back(static_cast<char>(Version & 0xff));
    out.push_back(static_cast<char>(static_cast<std::uint16_t>(type) >> 8));
    out.push_back(static_cast<char>(static_cast<std::uint16_t>(type) & 0xff));
    out.push_back(static_cast<char>(flags));
    out.push_back(static_cast<char>((payload.size() >> 16) & 0xff));
    out.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
    out.push_back(static_cast<char>(payload.size() & 0xff));
    return out + payload;
}

} // namespace

struct Session::Zlib {
    z_stream in{};
    z_stream out{};
    bool inReady = false;
    bool outReady = false;
    ~Zlib()
    {
        if (inReady)
            inflateEnd(&in);
        if (outReady)
            deflateEnd(&out);
    }
};

Session::Session(Read read, Write write)
    : m_read(std::move(read))
    , m_write(std::move(write))
    , m_zlib(std::make_unique<Zlib>())
{
    m_zlib->inReady = inflateInit(&m_zlib->in) == Z_OK;
    m_zlib->outReady = deflateInit(&m_zlib->out, Z_DEFAULT_COMPRESSION) == Z_OK
        && deflateSetDictionary(&m_zlib->out, reinterpret_cast<const Bytef *>(headerDictionary().data()),
                                uInt(headerDictionary().size()))
            == Z_OK;
}

Session::~Session() = default;

bool Session::fill(std::size_t bytes)
{
    char chunk[16 * 1024];
    while (m_buffer.size() < bytes) {
        const long n = m_read(chunk, sizeof chunk);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, std::size_t(n));
    }
    return true;
}

std::optional<Frame> Session::next()
{
    if (!fill(8))
        return std::nullopt;
    Frame frame;
    const auto b0 = static_cast<unsigned char>(m_buffer[0]);
    frame.control = b0 & 0x80;
    frame.flags = static_cast<std::uint8_t>(m_buffer[4]);
    const std::uint32_t length = be32(m_buffer, 4) & 0x00ffffff;
    if (length > MaxFrame) {
        m_error = "a frame of " + std::to_string(length) + " bytes is larger than the sandbox takes";
        return std::nullopt;
    }
    if (frame.control) {
        const std::uint16_t version
            = static_cast<std::uint16_t>(((b0 & 0x7f) << 8) | static_cast<unsigned char>(m_buffer[1]));
        if (version != Version) {
            m_error = "SPDY version " + std::to_string(version) + " is not 3";
            return std::nullopt;
        }
        frame.type = static_cast<ControlType>((static_cast<unsigned char>(m_buffer[2]) << 8)
                                              | static_cast<unsigned char>(m_buffer[3]));
    } else {
        frame.streamId = be32(m_buffer, 0) & 0x7fffffff;
    }
    if (!fill(8 + length))
        return std::nullopt;
    frame.payload = m_buffer.substr(8, length);
    m_buffer.erase(0, 8 + length);
    if (frame.control && frame.payload.size() >= 4
        && (frame.type == ControlType::SynStream || frame.type == ControlType::SynReply
            || frame.type == ControlType::RstStream || frame.type == ControlType::Headers))
        frame.streamId = be32(frame.payload, 0) & 0x7fffffff;
    return frame;
}

std::optional<Headers> Session::readHeaders(std::string_view compressed)
{
    if (!m_zlib->inReady)
        return std::nullopt;
    z_stream &z = m_zlib->in;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    z.avail_in = uInt(compressed.size());
    std::string plain;
    std::array<char, 4096> chunk{};
    while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef *>(chunk.data());
        z.avail_out = uInt(chunk.size());
        int status = inflate(&z, Z_SYNC_FLUSH);
        if (status == Z_NEED_DICT) {
            status = inflateSetDictionary(&z, reinterpret_cast<const Bytef *>(headerDictionary().data()),
                                          uInt(headerDictionary().size()));
            if (status != Z_OK) {
                m_error = "the header block's zlib dictionary is not SPDY/3's";
                return std::nullopt;
            }
            continue;
        }
        if (status != Z_OK && status != Z_BUF_ERROR) {
            m_error = "a header block does not inflate";
            return std::nullopt;
        }
        plain.append(chunk.data(), chunk.size() - z.avail_out);
        if (plain.size() > MaxHeaders) {
            m_error = "a header block inflates past a megabyte";
            return std::nullopt;
        }
        if (status == Z_BUF_ERROR && z.avail_out != 0)
            break;
    }
    Headers headers;
    if (plain.size() < 4)
        return headers;
    std::size_t at = 4;
    for (std::uint32_t i = 0, n = be32(plain, 0); i < n; ++i) {
        std::string pair[2];
        for (auto &part : pair) {
            if (plain.size() < at + 4 || plain.size() - at - 4 < be32(plain, at)) {
                m_error = "a header block is cut short";
                return std::nullopt;
            }
            const std::uint32_t length = be32(plain, at);
            part = plain.substr(at + 4, length);
            at += 4 + length;
        }
        headers[pair[0]] = pair[1];
    }
    return headers;
}

std::string Session::compress(const Headers &headers)
{
    std::string plain;
    put32(plain, std::uint32_t(headers.size()));
    for (const auto &[name, value] : headers) {
        put32(plain, std::uint32_t(name.size()));
        plain += name;
        put32(plain, std::uint32_t(value.size()));
        plain += value;
    }
    z_stream &z = m_zlib->out;
    z.next_in = reinterpret_cast<Bytef *>(plain.data());
    z.avail_in = uInt(plain.size());
    std::string out;
    std::array<char, 4096> chunk{};
    do {
        z.next_out = reinterpret_cast<Bytef *>(chunk.data());
        z.avail_out = uInt(chunk.size());
        deflate(&z, Z_SYNC_FLUSH);
        out.append(chunk.data(), chunk.size() - z.avail_out);
    } while (z.avail_out == 0);
    return out;
}

bool Session::synReply(std::uint32_t stream, const Headers &headers)
{
    std::string payload;
    put32(payload, stream & 0x7fffffff);
    payload += compress(headers);
    return m_write(controlFrame(ControlType::SynReply, 0, payload));
}

bool Session::data(std::uint32_t stream, std::string_view bytes, bool fin)
{
    constexpr std::size_t Piece = 64 * 1024;
    std::size_t at = 0;
    do {
        const std::string_view piece = bytes.substr(at, Piece);
        at += piece.size();
        const bool last = at >= bytes.size();
        std::string frame;
        put32(frame, stream & 0x7fffffff);
        frame.push_back(static_cast<char>(last && fin ? FlagFin : 0));
        frame.push_back(static_cast<char>((piece.size() >> 16) & 0xff));
        frame.push_back(static_cast<char>((piece.size() >> 8) & 0xff));
        frame.push_back(static_cast<char>(piece.size() & 0xff));
        frame.append(piece);
        if (!m_write(frame))
            return false;
    } while (at < bytes.size());
    return true;
}

bool Session::reset(std::uint32_t stream, std::uint32_t status)
{
    std::string payload;
    put32(payload, stream & 0x7fffffff);
    put32(payload, status);
    return m_write(controlFrame(ControlType::RstStream, 0, payload));
}

bool Session::ping(const std::string &payload)
{
    return m_write(controlFrame(ControlType::Ping, 0, payload));
}

bool Session::goAway(std::uint32_t lastStream)
{
    std::string payload;
    put32(payload, lastStream & 0x7fffffff);
    put32(payload, 0); // OK
    return m_write(controlFrame(ControlType::GoAway, 0, payload));
}

} // namespace lucent::sandbox::spdy
