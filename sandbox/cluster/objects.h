#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lucent::sandbox::objects {

using json = nlohmann::json;

std::string name(const json &o);
std::string ns(const json &o);
std::string uid(const json &o);
std::int64_t generation(const json &o);

/// True when @p o has a controller ownerReference to the object with @p ownerUid.
bool ownedBy(const json &o, const std::string &ownerUid);
/// An ownerReference (controller, blockOwnerDeletion) pointing at @p owner.
json controllerRef(const json &owner);

/// Resolves an int-or-percent (maxSurge, maxUnavailable) against @p total.
int intOrPercent(const json &value, int total, bool roundUp, int fallback);

/// The pod-template-hash Kubernetes would give @p podTemplate: FNV-1a of its JSON, in the
/// "safe" alphabet without vowels.
std::string templateHash(const json &podTemplate);

/// The first label map of a selector's matchLabels, for copying onto children.
json matchLabels(const json &selector);

/// Sets or replaces the condition of @p type in status.conditions; keeps
/// lastTransitionTime when the status value does not change.
void setCondition(json &object, const std::string &type, const std::string &status, const std::string &reason,
                  const std::string &message, const std::string &now);
const json *condition(const json &object, const std::string &type);

} // namespace lucent::sandbox::objects
