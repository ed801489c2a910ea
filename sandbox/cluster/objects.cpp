#include "sandbox/cluster/objects.h"

#include <cmath>

namespace lucent::sandbox::objects {

std::string name(const json &o)
{
    return o["metadata"].value("name", "");
}

std::string ns(const json &o)
{
    return o["metadata"].value("namespace", "");
}

std::string uid(const json &o)
{
    return o["metadata"].value("uid", "");
}

std::int64_t generation(const json &o)
{
    return o["metadata"].value("generation", std::int64_t{0});
}

bool ownedBy(const json &o, const std::string &ownerUid)
{
    const json &meta = o["metadata"];
    if (!meta.contains("ownerReferences"))
        return false;
    for (const auto &ref : meta["ownerReferences"]) {
        if (ref.value("uid", "") == ownerUid && ref.value("controller", false))
            return true;
    }
    return false;
}

json controllerRef(const json &owner)
{
    return {{"apiVersion", owner.value("apiVersion", "")},
            {"kind", owner.value("kind", "")},
            {"name", name(owner)},
            {"uid", uid(owner)},
            {"controller", true},
            {"blockOwnerDeletion", true}};
}

int intOrPercent(const json &value, int total, bool roundUp, int fallback)
{
    if (value.is_number_integer())
        return value.get<int>();
    if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (!s.empty() && s.back() == '%') {
            try {
                const double percent = std::stod(s.substr(0, s.size() - 1));
                const double exact = total * percent / 100.0;
                return int(roundUp ? std::ceil(exact) : std::floor(exact));
            } catch (const std::exception &) {
                return fallback;
            }
        }
        try {
            return std::stoi(s);
        } catch (const std::exception &) {
            return fallback;
        }
    }
    return fallback;
}

std::string templateHash(const json &podTemplate)
{
    const std::string text = podTemplate.dump();
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 16777619u;
    }
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    for (int i = 0; i < 10 && (hash || i < 8); ++i) {
        out += alphabet[hash % 27];
        hash /= 27;
    }
    return out;
}

json matchLabels(const json &selector)
{
    if (selector.is_object() && selector.contains("matchLabels") && selector["matchLabels"].is_object())
        return selector["matchLabels"];
    return json::object();
}

const json *condition(const json &object, const std::string &type)
{
    if (!object.contains("status") || !object["status"].contains("conditions"))
        return nullptr;
    for (const auto &c : object["status"]["conditions"]) {
        if (c.value("type", "") == type)
            return &c;
    }
    return nullptr;
}

void setCondition(json &object, const std::string &type, const std::string &status, const std::string &reason,
                  const std::string &message, const std::string &now)
{
    json &conditions = object["status"]["conditions"];
    if (!conditions.is_array())
        conditions = json::array();
    for (auto &c : conditions) {
        if (c.value("type", "") != type)
            continue;
        if (c.value("status", "") != status)
            c["lastTransitionTime"] = now;
        if (c.value("reason", "") != reason || c.value("message", "") != message)
            c["lastUpdateTime"] = now;
        c["status"] = status;
        c["reason"] = reason;
        c["message"] = message;
        return;
    }
    conditions.push_back({{"type", type},
                          {"status", status},
                          {"reason", reason},
                          {"message", message},
                          {"lastUpdateTime", now},
                          {"lastTransitionTime", now}});
}

} // namespace lucent::sandbox::objects
