#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

// Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), which kubectl's typed
// commands (create secret, create deployment, auth can-i, ...) send and prefer to read. An
// object on the wire is the four bytes "k8s\0" and a runtime.Unknown message holding the
// object's apiVersion and kind and the object's own message. The sandbox keeps objects as JSON
// and transcodes at its edge, with the field numbers of sandbox/schema/kubernetes-protobuf.json.
namespace lucent::sandbox::protobuf {

inline constexpr std::string_view MediaType = "application/vnd.kubernetes.protobuf";

/// Why a body could not be read: a kind the table has no message for (answered 415, so that
/// the client sends JSON instead), or bytes that are not a valid message (400).
struct DecodeError {
    bool unsupportedKind = false;
    std::string message;
};

/// The JSON object of an enveloped @p body, with its apiVersion and kind.
std::variant<nlohmann::json, DecodeError> decode(std::string_view body);

/// @p object enveloped, or nullopt when the table has no message for its apiVersion and kind
/// or a field holds a value its message cannot carry.
std::optional<std::string> encode(const nlohmann::json &object);

/// Whether the first media type of an Accept header is protobuf (the client prefers it), and
/// whether any is JSON (the client also takes JSON).
bool prefersProtobuf(const std::string &accept);
bool acceptsJson(const std::string &accept);

} // namespace lucent::sandbox::protobuf
