#include "sandbox/api/yamljson.h"

#include <yaml.h>

#include <memory>
#include <regex>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

// Request bodies are parsed with libyaml's event parser: it is fuzzed upstream and never
// loops on malformed input, which yaml-cpp 0.7 did for this project's fuzz target.
constexpr std::size_t MaxDepth = 100;

json scalar(const yaml_event_t &event)
{
    const std::string text(reinterpret_cast<const char *>(event.data.scalar.value), event.data.scalar.length);
    if (event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return text; // quoted or block: always a string
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

struct Frame {
    json *container;
    std::string key;
    bool haveKey = false;
};

struct Parser {
    yaml_parser_t parser{};
    Parser() { yaml_parser_initialize(&parser); }
    ~Parser() { yaml_parser_delete(&parser); }
    Parser(const Parser &) = delete;
    Parser &operator=(const Parser &) = delete;
};

struct Event {
    yaml_event_t event{};
    ~Event() { yaml_event_delete(&event); }
};

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
    Parser p;
    yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char *>(yaml.data()), yaml.size());
    std::vector<json> docs;
    json root;
    std::vector<Frame> stack;

    // Places a finished value: the document root, the next array element, or a map's key
    // or value.
    auto attach = [&](json value) -> json * {
        if (stack.empty()) {
            root = std::move(value);
            return &root;
        }
        Frame &top = stack.back();
        if (top.container->is_array()) {
            top.container->push_back(std::move(value));
            return &top.container->back();
        }
        if (!top.haveKey) {
            top.key = value.is_string() ? value.get<std::string>() : value.dump();
            top.haveKey = true;
            return nullptr;
        }
        top.haveKey = false;
        json &slot = (*top.container)[top.key];
        slot = std::move(value);
        return &slot;
    };

    while (true) {
        Event e;
        if (!yaml_parser_parse(&p.parser, &e.event)) {
            error = std::string(p.parser.problem ? p.parser.problem : "invalid YAML") + " at line "
                + std::to_string(p.parser.problem_mark.line + 1) + ", column "
                + std::to_string(p.parser.problem_mark.column + 1);
            return std::nullopt;
        }
        switch (e.event.type) {
        case YAML_STREAM_END_EVENT: return docs;
        case YAML_DOCUMENT_START_EVENT:
            root = json();
            stack.clear();
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (!root.is_null())
                docs.push_back(std::move(root));
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            if (stack.size() >= MaxDepth) {
                error = "the YAML nests deeper than " + std::to_string(MaxDepth) + " levels";
                return std::nullopt;
            }
            const bool map = e.event.type == YAML_MAPPING_START_EVENT;
            if (!stack.empty() && stack.back().container->is_object() && !stack.back().haveKey) {
                error = "a YAML map key must be a scalar";
                return std::nullopt;
            }
            json *placed = attach(map ? json::object() : json::array());
            stack.push_back({placed, {}, false});
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT: stack.pop_back(); break;
        case YAML_SCALAR_EVENT: attach(scalar(e.event)); break;
        case YAML_ALIAS_EVENT: error = "YAML aliases are not supported"; return std::nullopt;
        default: break;
        }
    }
}

} // namespace lucent::sandbox
