#include "sandbox/api/protobuf.h"

#include "sandbox/api/kubernetesprotobuf.h"
#include "sandbox/api/protobufwire.h"
#include "sandbox/auth/certificates.h"

#include <cstring>
#include <ctime>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace lucent::sandbox::protobuf {

using json = nlohmann::json;

namespace {

constexpr std::string_view Magic{"k8s\0", 4};
// Deeper than any Kubernetes object nests (a pod template is about 12 levels); a hostile
// message that nests further is refused rather than followed.
constexpr int MaxDepth = 64;

struct Message;

struct Field {
    int number = 0;
    std::string name; ///< the JSON name
    std::string type; ///< a scalar, or a message's name
    char label = ' '; ///< ' ', 'o' (omitted from JSON when zero), 'r', 'm', 'i' (inlined)
    const Message *message = nullptr;
};

struct Message {
    std::string name;
    std::vector<Field> fields;
    bool slice = false; ///< its JSON is the array of its one repeated field
    std::unordered_map<int, std::size_t> byNumber;
};

struct Table {
    std::unordered_map<std::string, Message> messages;
    std::unordered_map<std::string, const Message *> kinds; ///< "apiVersion/kind"
};

const Table &table()
{
    static const Table loaded = [] {
        Table t;
        const json source = json::parse(kubernetesProtobufJson());
        for (const auto &[name, body] : source.at("messages").items()) {
            Message &m = t.messages[name];
            m.name = name;
            m.slice = body.value("slice", false);
            for (const auto &f : body.at("fields")) {
                const std::string label = f.at(3).get<std::string>();
                m.byNumber[f.at(0).get<int>()] = m.fields.size();
                m.fields.push_back({f.at(0).get<int>(), f.at(1).get<std::string>(), f.at(2).get<std::string>(),
                                    label.empty() ? ' ' : label[0], nullptr});
            }
        }
        for (auto &[name, m] : t.messages) {
            for (auto &f : m.fields) {
                auto it = t.messages.find(f.type);
                f.message = it == t.messages.end() ? nullptr : &it->second;
            }
        }
        for (const auto &[kind, name] : source.at("kinds").items())
            t.kinds[kind] = &t.messages.at(name.get<std::string>());
        return t;
    }();
    return loaded;
}

const Message *messageFor(const std::string &apiVersion, const std::string &kind)
{
    const auto &kinds = table().kinds;
    auto it = kinds.find(apiVersion + "/" + kind);
    return it == kinds.end() ? nullptr : it->second;
}

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

bool isNumeric(const std::string &type)
{
    return type == "bool" || type == "int32" || type == "int64" || type == "double" || type == "float";
}

std::string formatTime(std::int64_t seconds)
{
    std::tm tm{};
    const std::time_t t = static_cast<std::time_t>(seconds);
    if (!gmtime_r(&t, &tm))
        throw Failure("a timestamp is out of range");
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

// Seconds since the epoch of an RFC 3339 time as Kubernetes writes it (UTC, "Z").
std::optional<std::int64_t> parseTime(const std::string &text)
{
    std::tm tm{};
    const char *rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return std::nullopt;
    if (*rest == '.') {
        ++rest;
        while (*rest >= '0' && *rest <= '9')
            ++rest;
    }
    if (std::strcmp(rest, "Z") != 0)
        return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

// --- protobuf to JSON ---------------------------------------------------------------------

json decodeMessage(const Message &m, std::string_view data, int depth);

json decodeScalar(const std::string &type, const WireField &f)
{
    const bool bytes = f.type == WireType::Bytes;
    if (type == "string")
        return bytes ? json(std::string(f.bytes)) : throw Failure("a string is not length-delimited");
    if (type == "bytes")
        return bytes ? json(base64(std::string(f.bytes))) : throw Failure("bytes are not length-delimited");
    if (type == "bool" && f.type == WireType::Varint)
        return f.integer != 0;
    if (type == "int32" && f.type == WireType::Varint)
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(f.integer));
    if (type == "int64" && f.type == WireType::Varint)
        return static_cast<std::int64_t>(f.integer);
    if (type == "double" && f.type == WireType::Fixed64) {
        double value;
        std::memcpy(&value, &f.integer, sizeof value);
        return value;
    }
    if (type == "float" && f.type == WireType::Fixed32) {
        const auto bits = static_cast<std::uint32_t>(f.integer);
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    throw Failure("a " + type + " has the wrong wire type");
}

// The JSON of the messages whose JSON is not their fields; nullopt for the others.
std::optional<json> decodeSpecial(const Message &m, std::string_view data)
{
    const bool time = m.name == "meta.v1.Time";
    const bool quantity = m.name == "resource.Quantity";
    const bool intOrString = m.name == "intstr.IntOrString";
    const bool fields = m.name == "meta.v1.FieldsV1";
    if (!time && !quantity && !intOrString && !fields)
        return std::nullopt;
    std::int64_t integers[4] = {};
    std::string_view text;
    WireReader reader(data);
    while (auto f = reader.next()) {
        if (f->number < 4 && f->type == WireType::Varint)
            integers[f->number] = static_cast<std::int64_t>(f->integer);
        else if (f->type == WireType::Bytes)
            text = f->bytes;
    }
    if (!reader.error().empty())
        throw Failure(reader.error());
    if (time) // the zero time is how Go writes an unset one; its JSON is null
        return integers[1] == 0 && integers[2] == 0 ? json() : json(formatTime(integers[1]));
    if (quantity)
        return std::string(text);
    if (intOrString)
        return integers[1] == 1 ? json(std::string(text)) : json(static_cast<std::int32_t>(integers[2]));
    if (text.empty())
        return json();
    json raw = json::parse(text, nullptr, false);
    if (raw.is_discarded())
        throw Failure("a FieldsV1 does not hold JSON");
    return raw;
}

json decodeValue(const Field &field, const WireField &f, int depth)
{
    if (!field.message)
        return decodeScalar(field.type, f);
    if (f.type != WireType::Bytes)
        throw Failure("message " + field.type + " is not length-delimited");
    if (auto special = decodeSpecial(*field.message, f.bytes))
        return *special;
    return decodeMessage(*field.message, f.bytes, depth + 1);
}

bool isZero(const json &value)
{
    return value.is_null() || (value.is_string() && value.get_ref<const std::string &>().empty())
        || (value.is_boolean() && !value.get<bool>()) || (value.is_number() && value == 0);
}

void decodeMapEntry(const Field &field, std::string_view entry, json &into, int depth)
{
    std::string key;
    json value = field.message ? json::object() : field.type == "string" || field.type == "bytes" ? json("") : json(0);
    WireReader reader(entry);
    while (auto f = reader.next()) {
        if (f->number == 1 && f->type == WireType::Bytes)
            key = std::string(f->bytes);
        else if (f->number == 2)
            value = decodeValue(field, *f, depth);
    }
    if (!reader.error().empty())
        throw Failure(reader.error());
    into[key] = std::move(value);
}

// A packed run of numbers in one length-delimited field (proto3 style; Go writes proto2
// unpacked, but a reader must accept both).
void decodePacked(const Field &field, std::string_view data, json &into)
{
    std::size_t offset = 0;
    while (offset < data.size()) {
        WireField f;
        if (field.type == "double" || field.type == "float") {
            const std::size_t width = field.type == "double" ? 8 : 4;
            if (data.size() - offset < width)
                throw Failure("a packed number is cut short");
            for (std::size_t i = 0; i < width; ++i)
                f.integer |= std::uint64_t(static_cast<unsigned char>(data[offset + i])) << (8 * i);
            f.type = width == 8 ? WireType::Fixed64 : WireType::Fixed32;
            offset += width;
        } else {
            const auto value = WireReader::varint(data, offset);
            if (!value)
                throw Failure("a packed number is cut short");
            f.integer = *value;
        }
        into.push_back(decodeScalar(field.type, f));
    }
}

void decodeField(const Field &field, const WireField &f, json &out, int depth)
{
    switch (field.label) {
    case 'r': {
        json &list = out[field.name];
        if (!list.is_array())
            list = json::array();
        if (!field.message && isNumeric(field.type) && f.type == WireType::Bytes)
            decodePacked(field, f.bytes, list);
        else
            list.push_back(decodeValue(field, f, depth));
        return;
    }
    case 'm': {
        json &map = out[field.name];
        if (!map.is_object())
            map = json::object();
        decodeMapEntry(field, f.bytes, map, depth + 1);
        return;
    }
    case 'i': {
        if (f.type != WireType::Bytes || !field.message)
            throw Failure("an embedded message is not length-delimited");
        json inlined = decodeMessage(*field.message, f.bytes, depth + 1);
        for (auto &[key, value] : inlined.items())
            out[key] = std::move(value);
        return;
    }
    default: {
        json value = decodeValue(field, f, depth);
        if (value.is_null() || (field.label == 'o' && isZero(value)))
            out.erase(field.name);
        else
            out[field.name] = std::move(value);
    }
    }
}

json decodeMessage(const Message &m, std::string_view data, int depth)
{
    if (depth > MaxDepth)
        throw Failure("the message nests deeper than " + std::to_string(MaxDepth) + " levels");
    json out = json::object();
    WireReader reader(data);
    while (auto f = reader.next()) {
        auto it = m.byNumber.find(f->number);
        if (it == m.byNumber.end())
            continue; // as every protobuf reader does: a field from a newer version is skipped
        const Field &field = m.fields[it->second];
        if ((field.label == 'm') && f->type != WireType::Bytes)
            throw Failure("a map entry of " + m.name + " is not length-delimited");
        decodeField(field, *f, out, depth);
    }
    if (!reader.error().empty())
        throw Failure("message " + m.name + ": " + reader.error());
    if (m.slice)
        return out.contains("items") ? out["items"] : json::array();
    return out;
}

// --- JSON to protobuf ---------------------------------------------------------------------

std::string encodeMessage(const Message &m, const json &value, int depth);

void encodeScalar(WireWriter &w, int number, const std::string &type, const json &value)
{
    if (type == "string" && value.is_string())
        return w.bytes(number, value.get_ref<const std::string &>());
    if (type == "bytes" && value.is_string()) {
        auto raw = base64Decode(value.get_ref<const std::string &>());
        if (!raw)
            throw Failure("a bytes field does not hold base64");
        return w.bytes(number, *raw);
    }
    if (type == "bool" && value.is_boolean())
        return w.varint(number, value.get<bool>() ? 1 : 0);
    if ((type == "int32" || type == "int64") && value.is_number_integer())
        return w.varint(number, static_cast<std::uint64_t>(value.get<std::int64_t>()));
    if (type == "double" && value.is_number()) {
        const double d = value.get<double>();
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        return w.fixed64(number, bits);
    }
    if (type == "float" && value.is_number()) {
        const float f = value.get<float>();
        std::uint32_t bits;
        std::memcpy(&bits, &f, sizeof bits);
        return w.fixed32(number, bits);
    }
    throw Failure("a " + type + " field holds " + std::string(value.type_name()));
}

std::optional<std::string> encodeSpecial(const Message &m, const json &value)
{
    WireWriter w;
    if (m.name == "meta.v1.Time") {
        const auto seconds = value.is_string() ? parseTime(value.get<std::string>()) : std::nullopt;
        if (!seconds)
            throw Failure("a time is not RFC 3339");
        w.varint(1, static_cast<std::uint64_t>(*seconds));
        w.varint(2, 0);
    } else if (m.name == "resource.Quantity") {
        w.bytes(1, value.is_string() ? value.get<std::string>() : value.dump());
    } else if (m.name == "intstr.IntOrString") {
        if (value.is_number_integer()) {
            w.varint(1, 0);
            w.varint(2, static_cast<std::uint64_t>(value.get<std::int64_t>()));
        } else if (value.is_string()) {
            w.varint(1, 1);
            w.bytes(3, value.get<std::string>());
        } else {
            throw Failure("an int-or-string holds " + std::string(value.type_name()));
        }
    } else if (m.name == "meta.v1.FieldsV1") {
        w.bytes(1, value.dump());
    } else {
        return std::nullopt;
    }
    return w.data();
}

void encodeValue(WireWriter &w, const Field &field, const json &value, int depth)
{
    if (!field.message)
        return encodeScalar(w, field.number, field.type, value);
    if (auto special = encodeSpecial(*field.message, value))
        return w.bytes(field.number, *special);
    w.bytes(field.number, encodeMessage(*field.message, value, depth + 1));
}

void encodeField(WireWriter &w, const Field &field, const json &object, int depth)
{
    if (field.label == 'i') {
        const std::string inlined = encodeMessage(*field.message, object, depth + 1);
        if (!inlined.empty())
            w.bytes(field.number, inlined);
        return;
    }
    auto it = object.find(field.name);
    if (it == object.end() || it->is_null())
        return;
    if (field.label == 'r') {
        if (!it->is_array())
            throw Failure("field " + field.name + " is not a list");
        for (const auto &item : *it)
            encodeValue(w, field, item, depth);
    } else if (field.label == 'm') {
        if (!it->is_object())
            throw Failure("field " + field.name + " is not a map");
        for (const auto &[key, item] : it->items()) {
            WireWriter entry;
            entry.bytes(1, key);
            Field valueField = field;
            valueField.number = 2;
            encodeValue(entry, valueField, item, depth);
            w.bytes(field.number, entry.data());
        }
    } else {
        encodeValue(w, field, *it, depth);
    }
}

std::string encodeMessage(const Message &m, const json &value, int depth)
{
    if (depth > MaxDepth)
        throw Failure("the object nests too deep");
    // A slice message's JSON is the bare list of its one field, "items".
    const json object = m.slice ? json{{"items", value}} : value;
    if (!object.is_object())
        throw Failure("message " + m.name + " is not an object");
    WireWriter w;
    for (const auto &field : m.fields)
        encodeField(w, field, object, depth);
    return w.data();
}

std::string typeMeta(const std::string &apiVersion, const std::string &kind)
{
    WireWriter w;
    w.bytes(1, apiVersion);
    w.bytes(2, kind);
    return w.data();
}

std::vector<std::string> mediaTypes(const std::string &accept)
{
    std::vector<std::string> types;
    std::size_t start = 0;
    while (start <= accept.size()) {
        std::size_t end = accept.find(',', start);
        if (end == std::string::npos)
            end = accept.size();
        std::string entry = accept.substr(start, end - start);
        const auto first = entry.find_first_not_of(' ');
        types.push_back(first == std::string::npos ? std::string() : entry.substr(first));
        start = end + 1;
    }
    return types;
}

} // namespace

std::variant<json, DecodeError> decode(std::string_view body)
{
    if (body.substr(0, Magic.size()) != Magic)
        return DecodeError{false, "the body does not start with the protobuf envelope's \"k8s\\0\""};
    std::string apiVersion, kind, contentEncoding;
    std::string_view raw;
    WireReader envelope(body.substr(Magic.size()));
    while (auto f = envelope.next()) {
        if (f->type != WireType::Bytes)
            continue;
        if (f->number == 1) {
            WireReader meta(f->bytes);
            while (auto m = meta.next()) {
                if (m->type == WireType::Bytes && m->number == 1)
                    apiVersion = std::string(m->bytes);
                else if (m->type == WireType::Bytes && m->number == 2)
                    kind = std::string(m->bytes);
            }
        } else if (f->number == 2) {
            raw = f->bytes;
        } else if (f->number == 3) {
            contentEncoding = std::string(f->bytes);
        }
    }
    if (!envelope.error().empty())
        return DecodeError{false, "the protobuf envelope is malformed: " + envelope.error()};
    if (!contentEncoding.empty())
        return DecodeError{true,
                           "the protobuf body is encoded as " + contentEncoding + ", which the sandbox does not read"};
    const Message *message = messageFor(apiVersion, kind);
    if (!message)
        return DecodeError{true,
                           "the sandbox reads protobuf only for Namespace, ConfigMap, Secret, Service, "
                           "ServiceAccount, Pod, Deployment, SelfSubjectAccessReview and a few more, not for "
                               + (kind.empty() ? std::string("a body without a kind") : apiVersion + " " + kind)
                               + "; send it as JSON"};
    try {
        json object = decodeMessage(*message, raw, 0);
        // A list without items is an empty list, as the API server writes it.
        if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && !object.contains("items"))
            object["items"] = json::array();
        object["apiVersion"] = apiVersion;
        object["kind"] = kind;
        return object;
    } catch (const Failure &e) {
        return DecodeError{false, "the protobuf " + kind + " is malformed: " + e.what()};
    }
}

std::optional<std::string> encode(const json &object)
{
    if (!object.is_object() || !object.contains("kind") || !object["kind"].is_string() || !object.contains("apiVersion")
        || !object["apiVersion"].is_string())
        return std::nullopt;
    const std::string apiVersion = object["apiVersion"].get<std::string>();
    const std::string kind = object["kind"].get<std::string>();
    const Message *message = messageFor(apiVersion, kind);
    if (!message)
        return std::nullopt;
    try {
        WireWriter unknown;
        unknown.bytes(1, typeMeta(apiVersion, kind));
        unknown.bytes(2, encodeMessage(*message, object, 0));
        unknown.bytes(3, "");
        unknown.bytes(4, "");
        return std::string(Magic) + unknown.data();
    } catch (const Failure &) {
        return std::nullopt;
    }
}

bool prefersProtobuf(const std::string &accept)
{
    const auto types = mediaTypes(accept);
    // "application/vnd.kubernetes.protobuf;as=Table" asks for a Table, which is served as JSON.
    return !types.empty() && types.front() == MediaType;
}

bool acceptsJson(const std::string &accept)
{
    for (const auto &type : mediaTypes(accept)) {
        const std::string media = type.substr(0, type.find(';'));
        if (media.empty() || media == "application/json" || media == "application/*" || media == "*/*")
            return true;
    }
    return false;
}

} // namespace lucent::sandbox::protobuf
