#include "sandbox/api/selectors.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace lucent::sandbox {

namespace {

std::string trim(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t");
    return s.substr(begin, end - begin + 1);
}

// Label keys and values: [prefix/]name with alphanumerics, '-', '_', '.'; values may be empty.
bool validToken(const std::string &s, bool allowSlash)
{
    return std::all_of(s.begin(), s.end(), [&](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || (allowSlash && c == '/');
    });
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> splitTopLevel(const std::string &text)
{
    std::vector<std::string> parts;
    std::string current;
    int depth = 0;
    for (char c : text) {
        if (c == '(')
            ++depth;
        if (c == ')')
            --depth;
        if (c == ',' && depth == 0) {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    return parts;
}

std::optional<std::string> labelValue(const nlohmann::json &labels, const std::string &key)
{
    if (!labels.is_object())
        return std::nullopt;
    auto it = labels.find(key);
    if (it == labels.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

} // namespace

std::optional<LabelSelector> LabelSelector::parse(const std::string &text, std::string &error)
{
    LabelSelector selector;
    if (trim(text).empty())
        return selector;
    for (const std::string &raw : splitTopLevel(text)) {
        const std::string part = trim(raw);
        Requirement r;
        if (part.empty()) {
            error = "unable to parse requirement: found ',', expected: identifier";
            return std::nullopt;
        }
        std::size_t pos;
        if (part[0] == '!') {
            r.key = trim(part.substr(1));
            r.op = Op::DoesNotExist;
        } else if ((pos = part.find("!=")) != std::string::npos) {
            r.key = trim(part.substr(0, pos));
            r.op = Op::NotEquals;
            r.values = {trim(part.substr(pos + 2))};
        } else if ((pos = part.find("==")) != std::string::npos) {
            r.key = trim(part.substr(0, pos));
            r.op = Op::Equals;
            r.values = {trim(part.substr(pos + 2))};
        } else if ((pos = part.find('=')) != std::string::npos) {
            r.key = trim(part.substr(0, pos));
            r.op = Op::Equals;
            r.values = {trim(part.substr(pos + 1))};
        } else if ((pos = part.find(" notin ")) != std::string::npos
                   || (pos = part.find(" in ")) != std::string::npos) {
            const bool notIn = part.compare(pos, 7, " notin ") == 0;
            r.key = trim(part.substr(0, pos));
            r.op = notIn ? Op::NotIn : Op::In;
            std::string set = trim(part.substr(pos + (notIn ? 7 : 4)));
            if (set.size() < 2 || set.front() != '(' || set.back() != ')') {
                error = "unable to parse requirement: found '" + set + "', expected: '('";
                return std::nullopt;
            }
            std::string inner = set.substr(1, set.size() - 2);
            std::size_t start = 0;
            while (true) {
                const auto comma = inner.find(',', start);
                r.values.push_back(
                    trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
        } else {
            r.key = part;
            r.op = Op::Exists;
        }
        if (r.key.empty() || !validToken(r.key, true)) {
            error = "unable to parse requirement: invalid label key \"" + r.key + "\"";
            return std::nullopt;
        }
        for (const auto &v : r.values) {
            if (!validToken(v, false)) {
                error = "unable to parse requirement: invalid label value: \"" + v + "\"";
                return std::nullopt;
            }
        }
        selector.m_requirements.push_back(std::move(r));
    }
    return selector;
}

std::optional<LabelSelector> LabelSelector::fromObject(const nlohmann::json &selector, std::string &error)
{
    LabelSelector result;
    if (selector.is_null())
        return result;
    if (!selector.is_object()) {
        error = "a label selector must be an object";
        return std::nullopt;
    }
    if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
        for (auto &[key, value] : it->items())
            result.m_requirements.push_back(
                {key, Op::Equals, {value.is_string() ? value.get<std::string>() : value.dump()}});
    }
    if (auto it = selector.find("matchExpressions"); it != selector.end() && it->is_array()) {
        for (const auto &e : *it) {
            const std::string op = e.value("operator", "");
            Requirement r{e.value("key", ""), Op::In, {}};
            if (op == "In")
                r.op = Op::In;
            else if (op == "NotIn")
                r.op = Op::NotIn;
            else if (op == "Exists")
                r.op = Op::Exists;
            else if (op == "DoesNotExist")
                r.op = Op::DoesNotExist;
            else {
                error = "\"" + op + "\" is not a valid label selector operator";
                return std::nullopt;
            }
            if (auto values = e.find("values"); values != e.end() && values->is_array()) {
                for (const auto &v : *values)
                    r.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
            }
            result.m_requirements.push_back(std::move(r));
        }
    }
    return result;
}

bool LabelSelector::matches(const nlohmann::json &labels) const
{
    for (const auto &r : m_requirements) {
        const auto value = labelValue(labels, r.key);
        const bool inSet = value && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
        switch (r.op) {
        case Op::Equals:
        case Op::In:
            if (!inSet)
                return false;
            break;
        case Op::NotEquals:
        case Op::NotIn:
            if (inSet)
                return false;
            break;
        case Op::Exists:
            if (!value)
                return false;
            break;
        case Op::DoesNotExist:
            if (value)
                return false;
            break;
        }
    }
    return true;
}

namespace {

// The field labels the API server registers per kind (pkg/registry/*/strategy.go).
bool supportedField(const std::string &kind, const std::string &field)
{
    if (field == "metadata.name" || field == "metadata.namespace")
        return true;
    static const std::map<std::string, std::set<std::string>> perKind{
        {"Pod",
         {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
          "status.phase", "status.podIP", "status.nominatedNodeName"}},
        {"Event",
         {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type"}},
        {"Secret", {"type"}},
        {"Namespace", {"status.phase"}},
        {"ReplicaSet", {"status.replicas"}},
    };
    const auto it = perKind.find(kind);
    return it != perKind.end() && it->second.count(field) > 0;
}

// The object's value for a field label, as the API server compares it: as text, "" when unset.
std::string fieldValue(const nlohmann::json &object, const std::string &field)
{
    const std::string path = field == "source" ? "source.component" : field;
    const nlohmann::json *node = &object;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object() || !node->contains(key))
            return field == "spec.hostNetwork" ? "false" : "";
        node = &(*node)[key];
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    if (node->is_string())
        return node->get<std::string>();
    if (node->is_boolean())
        return node->get<bool>() ? "true" : "false";
    if (node->is_number())
        return node->dump();
    return "";
}

} // namespace

std::optional<FieldSelector> FieldSelector::parse(const std::string &text, std::string &error, const std::string &kind)
{
    FieldSelector selector;
    if (trim(text).empty())
        return selector;
    for (const std::string &raw : splitTopLevel(text)) {
        const std::string part = trim(raw);
        Term term;
        std::size_t pos;
        if ((pos = part.find("!=")) != std::string::npos) {
            term = {trim(part.substr(0, pos)), false, trim(part.substr(pos + 2))};
        } else if ((pos = part.find("==")) != std::string::npos) {
            term = {trim(part.substr(0, pos)), true, trim(part.substr(pos + 2))};
        } else if ((pos = part.find('=')) != std::string::npos) {
            term = {trim(part.substr(0, pos)), true, trim(part.substr(pos + 1))};
        } else {
            error = "invalid selector: '" + text + "'; can't understand '" + part + "'";
            return std::nullopt;
        }
        if (!supportedField(kind, term.field)) {
            error = "field label not supported: " + term.field;
            return std::nullopt;
        }
        selector.m_terms.push_back(std::move(term));
    }
    return selector;
}

bool FieldSelector::matches(const nlohmann::json &object) const
{
    for (const auto &t : m_terms) {
        if ((fieldValue(object, t.field) == t.value) != t.equal)
            return false;
    }
    return true;
}

} // namespace lucent::sandbox
