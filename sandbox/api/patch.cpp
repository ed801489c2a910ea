#include "sandbox/api/patch.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

// The patchMergeKey of a list field, from the Kubernetes API types. @p path is the dotted
// path of the list with "[]" for list elements, e.g. "spec.template.spec.containers[].ports".
std::string mergeKeyFor(const std::string &kind, const std::string &path)
{
    auto endsWith = [&](const std::string &suffix) {
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (endsWith("containers") || endsWith("initContainers") || endsWith("ephemeralContainers"))
        return "name";
    if (endsWith("containers[].ports") || endsWith("initContainers[].ports"))
        return "containerPort";
    if (kind == "Service" && path == "spec.ports")
        return "port";
    if (endsWith(".env") || endsWith(".volumes") || endsWith("imagePullSecrets"))
        return "name";
    if (endsWith("volumeMounts"))
        return "mountPath";
    if (endsWith("volumeDevices"))
        return "devicePath";
    if (endsWith("hostAliases"))
        return "ip";
    if (endsWith("conditions"))
        return "type";
    if (endsWith("ownerReferences"))
        return "uid";
    if (endsWith("topologySpreadConstraints"))
        return "topologyKey";
    if (endsWith("readinessGates"))
        return "conditionType";
    if (endsWith("subsets[].addresses") || endsWith("subsets[].notReadyAddresses"))
        return "ip";
    return {};
}

} // namespace

std::vector<std::string> listMapKeys(const std::string &kind, const std::string &path)
{
    const std::string key = mergeKeyFor(kind, path);
    if (key == "containerPort" || (key == "port" && kind == "Service"))
        return {key, "protocol"};
    if (key.empty())
        return {};
    return {key};
}

namespace {

// Primitive lists that merge rather than replace.
bool mergesPrimitives(const std::string &path)
{
    return path == "metadata.finalizers";
}

std::string join(const std::string &path, const std::string &field)
{
    return path.empty() ? field : path + "." + field;
}

std::optional<ApiError> mergeObject(const std::string &kind, json &target, const json &patch, const std::string &path);

std::optional<ApiError> mergeList(const std::string &kind, json &target, const json &patch, const std::string &path)
{
    const std::string key = mergeKeyFor(kind, path);
    if (!target.is_array())
        target = json::array();
    if (key.empty()) {
        if (mergesPrimitives(path)) {
            for (const auto &item : patch)
                if (std::find(target.begin(), target.end(), item) == target.end())
                    target.push_back(item);
        } else {
            target = patch;
        }
        return std::nullopt;
    }
    for (const auto &item : patch) {
        if (!item.is_object())
            return ApiError::badRequest("unable to find api field in struct for the list " + path
                                        + ": elements must be objects with the merge key \"" + key + "\"");
        if (item.contains("$patch") && item["$patch"] == "replace") {
            json replacement = json::array();
            for (const auto &element : patch) {
                if (!element.contains("$patch"))
                    replacement.push_back(element);
            }
            target = replacement;
            return std::nullopt;
        }
        if (!item.contains(key))
            return ApiError::badRequest("map: " + item.dump() + " does not contain declared merge key: " + key);
        const json &id = item[key];
        auto existing = std::find_if(target.begin(), target.end(),
                                     [&](const json &e) { return e.is_object() && e.contains(key) && e[key] == id; });
        const bool remove = item.contains("$patch") && item["$patch"] == "delete";
        if (remove) {
            if (existing != target.end())
                target.erase(existing);
            continue;
        }
        if (existing == target.end()) {
            json fresh = json::object();
            if (auto error = mergeObject(kind, fresh, item, path + "[]"))
                return error;
            target.push_back(fresh);
        } else if (auto error = mergeObject(kind, *existing, item, path + "[]")) {
            return error;
        }
    }
    return std::nullopt;
}

std::optional<ApiError> mergeObject(const std::string &kind, json &target, const json &patch, const std::string &path)
{
    if (!patch.is_object()) {
        target = patch;
        return std::nullopt;
    }
    if (patch.contains("$patch")) {
        const std::string directive = patch["$patch"].is_string() ? patch["$patch"].get<std::string>() : "";
        if (directive == "replace") {
            target = patch;
            target.erase("$patch");
            return std::nullopt;
        }
        if (directive == "delete") {
            target = json();
            return std::nullopt;
        }
        if (directive != "merge")
            return ApiError::badRequest("Unknown patch type: " + directive);
    }
    if (!target.is_object())
        target = json::object();
    for (const auto &[field, value] : patch.items()) {
        if (field == "$patch" || field == "$retainKeys" || field.rfind("$setElementOrder/", 0) == 0)
            continue;
        if (field.rfind("$deleteFromPrimitiveList/", 0) == 0) {
            const std::string list = field.substr(25);
            if (target.contains(list) && target[list].is_array() && value.is_array()) {
                json kept = json::array();
                for (const auto &item : target[list])
                    if (std::find(value.begin(), value.end(), item) == value.end())
                        kept.push_back(item);
                target[list] = kept;
            }
            continue;
        }
        if (value.is_null()) {
            target.erase(field);
            continue;
        }
        const std::string childPath = join(path, field);
        std::optional<ApiError> error;
        if (value.is_object())
            error = mergeObject(kind, target[field], value, childPath);
        else if (value.is_array())
            error = mergeList(kind, target[field], value, childPath);
        else
            target[field] = value;
        if (error)
            return error;
        if (target[field].is_null())
            target.erase(field); // an object deleted with $patch: delete
    }
    return std::nullopt;
}

} // namespace

std::optional<PatchType> patchTypeFor(const std::string &contentType)
{
    const std::string type = contentType.substr(0, contentType.find(';'));
    if (type == "application/merge-patch+json")
        return PatchType::Merge;
    if (type == "application/json-patch+json")
        return PatchType::Json;
    if (type == "application/strategic-merge-patch+json")
        return PatchType::Strategic;
    return std::nullopt;
}

std::variant<json, ApiError> applyPatch(PatchType type, const std::string &kind, const json &original,
                                        const json &patch)
{
    switch (type) {
    case PatchType::Merge: {
        if (!patch.is_object())
            return ApiError::badRequest("json: cannot unmarshal " + std::string(patch.type_name())
                                        + " into Go value of type map[string]interface {}");
        json result = original;
        result.merge_patch(patch);
        return result;
    }
    case PatchType::Json: {
        if (!patch.is_array())
            return ApiError::badRequest("json: cannot unmarshal " + std::string(patch.type_name())
                                        + " into Go value of type jsonpatch.Patch");
        try {
            return original.patch(patch);
        } catch (const json::exception &e) {
            // e.g. a failed "test" or a path that does not exist
            return ApiError{422,
                            "Invalid",
                            std::string("the server rejected our request due to an error in our request: ") + e.what(),
                            json::object(),
                            {}};
        }
    }
    case PatchType::Strategic: {
        if (!patch.is_object())
            return ApiError::badRequest("json: cannot unmarshal " + std::string(patch.type_name())
                                        + " into Go value of type map[string]interface {}");
        json result = original;
        if (auto error = mergeObject(kind, result, patch, ""))
            return *error;
        return result;
    }
    }
    return ApiError::internal("unknown patch type");
}

} // namespace lucent::sandbox
