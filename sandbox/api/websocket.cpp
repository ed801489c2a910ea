#include "sandbox/api/websocket.h"

#include "sandbox/auth/certificates.h"

#include <openssl/sha.h>

#include <cstdint>
#include <utility>

namespace lucent::sandbox::websocket {

std::string acceptKey(const std::string &clientKey)
{
    const std::string text = clientKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 section 1.3
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest);
    return base64(std::string(reinterpret_cast<const char *>(digest), sizeof digest));
}

std::string frame(Opcode opcode, std::string_view payload)
{
    std::string out;
    out.push_back(static_cast<char>(0x80 | static_cast<unsigned char>(opcode)));
    const std::size_t size = payload.size();
    if (size < 126) {
        out.push_back(static_cast<char>(size));
    } else if (size <= 0xffff) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(size >> 8));
        out.push_back(static_cast<char>(size & 0xff));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((std::uint64_t(size) >> shift) & 0xff));
    }
    out.append(payload);
    return out;
}

std::string closeFrame(unsigned code, std::string_view reason)
{
    std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
    payload.append(reason.substr(0, 123));
    return frame(Opcode::Close, payload);
}

std::optional<Message> MessageReader::take()
{
    while (m_error.empty()) {
        if (m_buffer.size() < 2)
            return std::nullopt;
        const auto b0 = static_cast<unsigned char>(m_buffer[0]), b1 = static_cast<unsigned char>(m_buffer[1]);
        const bool fin = b0 & 0x80;
        const auto opcode = static_cast<Opcode>(b0 & 0x0f);
        if (!(b1 & 0x80)) {
            m_error = "a client frame is not masked";
            return std::nullopt;
        }
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7f;
        if (length >= 126) {
            const std::size_t extra = length == 126 ? 2 : 8;
            if (m_buffer.size() < header + extra)
                return std::nullopt;
            length = 0;
            for (std::size_t i = 0; i < extra; ++i)
                length = (length << 8) | static_cast<unsigned char>(m_buffer[header + i]);
            header += extra;
        }
        if (length > m_max || m_fragments.size() + length > m_max) {
            m_error = "a client message is larger than " + std::to_string(m_max) + " bytes";
            return std::nullopt;
        }
        if (m_buffer.size() < header + 4 + length)
            return std::nullopt;
        const std::string mask = m_buffer.substr(header, 4);
        std::string payload = m_buffer.substr(header + 4, std::size_t(length));
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<char>(payload[i] ^ mask[i % 4]);
        m_buffer.erase(0, header + 4 + std::size_t(length));
        const bool control = static_cast<unsigned char>(opcode) >= 8;
        if (control)
            return Message{opcode, payload};
        if (opcode != Opcode::Continuation) {
            m_fragmentOpcode = opcode;
            m_fragments.clear();
        } else if (!m_inFragments) {
            m_error = "a continuation frame without a first frame";
            return std::nullopt;
        }
        m_fragments += payload;
        m_inFragments = !fin;
        if (fin)
            return Message{m_fragmentOpcode, std::exchange(m_fragments, {})};
    }
    return std::nullopt;
}

} // namespace lucent::sandbox::websocket
