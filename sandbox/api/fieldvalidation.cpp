#include "sandbox/api/fieldvalidation.h"

#include "sandbox/api/kubernetesfields.h"

#include <map>
#include <set>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

const json &schema()
{
    return kubernetesFieldSchema();
}

std::string goType(const std::string &model)
{
    for (const char *prefix : {"CoreV1", "V1"}) {
        const std::string p = prefix;
        if (model.rfind(p, 0) == 0)
            return model.substr(p.size());
    }
    return model;
}

std::string jsonKind(const json &value)
{
    switch (value.type()) {
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "null";
    }
}

// Resource quantities ("500m", 2) are strings in the schema but numbers are fine too.
const std::set<std::string> QuantityMaps{"limits", "requests", "capacity", "allocatable", "hard", "used"};

struct Walker {
    FieldCheck &result;
    const json &types;

    void typeError(const json &value, const std::string &parent, const std::string &path, const char *goTypeName)
    {
        if (result.typeError.empty())
            result.typeError = "json: cannot unmarshal " + jsonKind(value) + " into Go struct field " + parent + "."
                + path + " of type " + goTypeName;
    }

    void check(const std::string &type, const json &value, const std::string &parent, const std::string &path,
               bool quantity = false)
    {
        if (value.is_null())
            return;
        if (type == "str" || type == "datetime") {
            if (!value.is_string() && !(quantity && value.is_number()))
                typeError(value, parent, path, "string");
        } else if (type == "int") {
            if (!value.is_number_integer() && !value.is_number_unsigned())
                typeError(value, parent, path, "int32");
        } else if (type == "float") {
            if (!value.is_number())
                typeError(value, parent, path, "float64");
        } else if (type == "bool") {
            if (!value.is_boolean())
                typeError(value, parent, path, "bool");
        } else if (type == "object") {
            // IntOrString, RawExtension: anything goes
        } else if (type.rfind("list[", 0) == 0) {
            if (!value.is_array())
                return typeError(value, parent, path, "[]");
            const std::string inner = type.substr(5, type.size() - 6);
            for (std::size_t i = 0; i < value.size(); ++i)
                check(inner, value[i], parent, path + "[" + std::to_string(i) + "]");
        } else if (type.rfind("dict(str, ", 0) == 0) {
            if (!value.is_object())
                return typeError(value, parent, path, "map[string]");
            const std::string inner = type.substr(10, type.size() - 11);
            const std::string field = path.substr(path.rfind('.') + 1);
            for (const auto &[key, item] : value.items())
                check(inner, item, parent, path + "." + key, QuantityMaps.count(field) > 0);
        } else if (types.contains(type)) {
            if (!value.is_object())
                return typeError(value, parent, path, goType(type).c_str());
            const json &fields = types[type];
            for (const auto &[key, item] : value.items()) {
                const std::string childPath = path.empty() ? key : path + "." + key;
                auto field = fields.find(key);
                if (field == fields.end())
                    result.unknownFields.push_back(childPath);
                else
                    check(field->get<std::string>(), item, goType(type), childPath);
            }
        }
    }
};

} // namespace

const json &kubernetesFieldSchema()
{
    static const json parsed = json::parse(kubernetesFieldsJson());
    return parsed;
}

namespace {

// patchMergeKey of the lists strategic merge patch merges by key (facts of the API types).
const std::map<std::string, std::string> &mergeKeys()
{
    static const std::map<std::string, std::string> keys{
        {"V1PodSpec.containers", "name"},
        {"V1PodSpec.initContainers", "name"},
        {"V1PodSpec.volumes", "name"},
        {"V1PodSpec.imagePullSecrets", "name"},
        {"V1Container.env", "name"},
        {"V1Container.ports", "containerPort"},
        {"V1Container.volumeMounts", "mountPath"},
        {"V1ServiceSpec.ports", "port"},
        {"V1ObjectMeta.ownerReferences", "uid"},
    };
    return keys;
}

std::string componentName(const std::string &model)
{
    return "io.k8s.sandbox." + goType(model); // kubectl explain shows the last segment
}

json propertySchema(const std::string &type, std::vector<std::string> &pending)
{
    if (type == "str")
        return {{"type", "string"}};
    if (type == "datetime")
        return {{"type", "string"}, {"format", "date-time"}};
    if (type == "int")
        return {{"type", "integer"}, {"format", "int64"}};
    if (type == "float")
        return {{"type", "number"}, {"format", "double"}};
    if (type == "bool")
        return {{"type", "boolean"}};
    if (type == "object")
        return {{"x-kubernetes-int-or-string", true}};
    if (type.rfind("list[", 0) == 0)
        return {{"type", "array"}, {"items", propertySchema(type.substr(5, type.size() - 6), pending)}};
    if (type.rfind("dict(str, ", 0) == 0)
        return {{"type", "object"},
                {"additionalProperties", propertySchema(type.substr(10, type.size() - 11), pending)}};
    pending.push_back(type);
    return {{"allOf", json::array({{{"$ref", "#/components/schemas/" + componentName(type)}}})}};
}

} // namespace

std::string addOpenApiSchemas(const std::string &kind, json &schemas)
{
    const json &kinds = schema()["kinds"];
    auto model = kinds.find(kind);
    if (model == kinds.end())
        return {};
    const json &types = schema()["types"];
    std::vector<std::string> pending{model->get<std::string>()};
    while (!pending.empty()) {
        const std::string name = pending.back();
        pending.pop_back();
        if (schemas.contains(componentName(name)) || !types.contains(name))
            continue;
        json properties = json::object();
        for (const auto &[field, type] : types[name].items()) {
            json property = propertySchema(type.get<std::string>(), pending);
            const json &values = schema()["enums"].value(name, json::object()).value(field, json::array());
            if (!values.empty()) {
                if (property.value("type", "") == "array")
                    property["items"]["enum"] = values;
                else
                    property["enum"] = values;
            }
            auto key = mergeKeys().find(name + "." + field);
            if (key != mergeKeys().end()) {
                property["x-kubernetes-patch-merge-key"] = key->second;
                property["x-kubernetes-patch-strategy"] = "merge";
                property["x-kubernetes-list-type"] = "map";
                property["x-kubernetes-list-map-keys"] = json::array({key->second});
            }
            properties[field] = property;
        }
        json object = {{"type", "object"}, {"properties", properties}};
        if (const json &required = schema()["required"].value(name, json::array()); !required.empty())
            object["required"] = required;
        schemas[componentName(name)] = object;
    }
    return componentName(model->get<std::string>());
}

FieldCheck checkFields(const std::string &kind, const json &object)
{
    FieldCheck result;
    const json &kinds = schema()["kinds"];
    auto model = kinds.find(kind);
    if (model == kinds.end())
        return result;
    Walker walker{result, schema()["types"]};
    walker.check(model->get<std::string>(), object, goType(model->get<std::string>()), "");
    return result;
}

} // namespace lucent::sandbox
