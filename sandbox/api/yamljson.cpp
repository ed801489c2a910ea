#include "sandbox/api/yamljson.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

json scalar(const YAML::Node &node)
{
    const std::string &text = node.Scalar();
    if (node.Tag() == "!") // quoted: always a string
        return text;
    static const std::regex integer("^[-+]?[0-9]+$");
    static const std::regex floating(
        "^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$");
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (std::regex_match(text, integer)) {
        try {
            return std::stoll(text);
        } catch (const std::out_of_range &) {
            return text;
        }
    }
    if (std::regex_match(text, floating))
        return std::stod(text);
    return text;
}

json convert(const YAML::Node &node, int depth)
{
    if (depth > 100)
        throw YAML::Exception(node.Mark(), "nesting deeper than 100 levels");
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return scalar(node);
    case YAML::NodeType::Sequence: {
        json array = json::array();
        for (const auto &item : node)
            array.push_back(convert(item, depth + 1));
        return array;
    }
    case YAML::NodeType::Map: {
        json object = json::object();
        for (const auto &entry : node)
            object[entry.first.as<std::string>()] = convert(entry.second, depth + 1);
        return object;
    }
    }
    return nullptr;
}

} // namespace

std::optional<json> yamlToJson(const std::string &yaml, std::string &error)
{
    auto docs = yamlDocumentsToJson(yaml, error);
    if (!docs)
        return std::nullopt;
    if (docs->size() != 1) {
        error = "expected one YAML document, found " + std::to_string(docs->size());
        return std::nullopt;
    }
    return docs->front();
}

std::optional<std::vector<json>> yamlDocumentsToJson(const std::string &yaml, std::string &error)
{
    try {
        std::vector<json> docs;
        for (const auto &node : YAML::LoadAll(yaml)) {
            if (!node.IsNull())
                docs.push_back(convert(node, 0));
        }
        return docs;
    } catch (const YAML::Exception &e) {
        error = e.what();
        return std::nullopt;
    }
}

} // namespace lucent::sandbox
