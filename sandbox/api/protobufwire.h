#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The protobuf wire format (varints, length-delimited bytes, fixed 32 and 64 bits), as far as
// Kubernetes' messages use it. Groups are not: Kubernetes never sends them.
namespace lucent::sandbox::protobuf {

enum class WireType { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

/// One field of a message as it was read: its number, its wire type, and either its integer
/// (varint and fixed) or its bytes.
struct WireField {
    int number = 0;
    WireType type = WireType::Varint;
    std::uint64_t integer = 0;
    std::string_view bytes;
};

/// Reads the fields of one message in order. A truncated or malformed message ends the reading
/// with error() set; the reader never reads past its buffer.
class WireReader
{
public:
    explicit WireReader(std::string_view data)
        : m_data(data)
    {
    }
    /// The next field, or nullopt at the end or on an error.
    std::optional<WireField> next();
    const std::string &error() const { return m_error; }
    /// Reads a varint from @p data at @p offset, advancing it; nullopt when it is cut short or
    /// longer than ten bytes.
    static std::optional<std::uint64_t> varint(std::string_view data, std::size_t &offset);

private:
    std::optional<WireField> fail(const std::string &why);

    std::string_view m_data;
    std::size_t m_offset = 0;
    std::string m_error;
};

/// Appends fields to a message.
class WireWriter
{
public:
    void varint(int number, std::uint64_t value);
    void bytes(int number, std::string_view value);
    void fixed64(int number, std::uint64_t value);
    void fixed32(int number, std::uint32_t value);
    const std::string &data() const { return m_data; }
    bool empty() const { return m_data.empty(); }

private:
    void tag(int number, WireType type);
    void rawVarint(std::uint64_t value);

    std::string m_data;
};

} // namespace lucent::sandbox::protobuf
