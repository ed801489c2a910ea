#include "sandbox/api/protobufwire.h"

namespace lucent::sandbox::protobuf {

std::optional<std::uint64_t> WireReader::varint(std::string_view data, std::size_t &offset)
{
    std::uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (offset >= data.size())
            return std::nullopt;
        const auto byte = static_cast<unsigned char>(data[offset++]);
        value |= std::uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    return std::nullopt;
}

std::optional<WireField> WireReader::fail(const std::string &why)
{
    m_error = why + " at byte " + std::to_string(m_offset);
    m_offset = m_data.size();
    return std::nullopt;
}

std::optional<WireField> WireReader::next()
{
    if (m_offset >= m_data.size())
        return std::nullopt;
    const auto key = varint(m_data, m_offset);
    if (!key)
        return fail("a field's key is cut short");
    WireField field;
    const std::uint64_t number = *key >> 3;
    if (number == 0 || number > 536870911)
        return fail("a field number is out of range");
    field.number = static_cast<int>(number);
    switch (*key & 7) {
    case 0: {
        field.type = WireType::Varint;
        const auto value = varint(m_data, m_offset);
        if (!value)
            return fail("a varint is cut short");
        field.integer = *value;
        return field;
    }
    case 1:
    case 5: {
        const std::size_t width = (*key & 7) == 1 ? 8 : 4;
        if (m_data.size() - m_offset < width)
            return fail("a fixed-width value is cut short");
        field.type = width == 8 ? WireType::Fixed64 : WireType::Fixed32;
        for (std::size_t i = 0; i < width; ++i)
            field.integer |= std::uint64_t(static_cast<unsigned char>(m_data[m_offset + i])) << (8 * i);
        m_offset += width;
        return field;
    }
    case 2: {
        field.type = WireType::Bytes;
        const auto length = varint(m_data, m_offset);
        if (!length || *length > m_data.size() - m_offset)
            return fail("a length-delimited value is cut short");
        field.bytes = m_data.substr(m_offset, *length);
        m_offset += *length;
        return field;
    }
    default: return fail("wire type " + std::to_string(*key & 7) + " is not used by Kubernetes");
    }
}

void WireWriter::rawVarint(std::uint64_t value)
{
    while (value >= 0x80) {
        m_data.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    m_data.push_back(static_cast<char>(value));
}

void WireWriter::tag(int number, WireType type)
{
    rawVarint((std::uint64_t(number) << 3) | std::uint64_t(type));
}

void WireWriter::varint(int number, std::uint64_t value)
{
    tag(number, WireType::Varint);
    rawVarint(value);
}

void WireWriter::bytes(int number, std::string_view value)
{
    tag(number, WireType::Bytes);
    rawVarint(value.size());
    m_data.append(value);
}

void WireWriter::fixed64(int number, std::uint64_t value)
{
    tag(number, WireType::Fixed64);
    for (int i = 0; i < 8; ++i)
        m_data.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void WireWriter::fixed32(int number, std::uint32_t value)
{
    tag(number, WireType::Fixed32);
    for (int i = 0; i < 4; ++i)
        m_data.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

} // namespace lucent::sandbox::protobuf
