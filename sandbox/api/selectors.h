#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lucent::sandbox {

/// A parsed label selector: "app=web,tier!=db,env in (a,b),!legacy,release".
class LabelSelector
{
public:
    enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
    struct Requirement {
        std::string key;
        Op op;
        std::vector<std::string> values;
    };

    /// Parses @p text; on a syntax error returns nullopt and sets @p error to a sentence.
    static std::optional<LabelSelector> parse(const std::string &text, std::string &error);
    /// From a metav1.LabelSelector object (matchLabels, matchExpressions).
    static std::optional<LabelSelector> fromObject(const nlohmann::json &selector, std::string &error);

    bool matches(const nlohmann::json &labels) const;
    bool empty() const { return m_requirements.empty(); }
    const std::vector<Requirement> &requirements() const { return m_requirements; }

private:
    std::vector<Requirement> m_requirements;
};

/// A field selector restricted to what the sandbox supports: metadata.name and
/// metadata.namespace with =, == and !=.
class FieldSelector
{
public:
    /// Fields as the API server allows them per kind: metadata.name and metadata.namespace
    /// everywhere, plus e.g. status.phase and spec.nodeName for Pods, involvedObject.* for
    /// Events, type for Secrets. Others are "field label not supported".
    static std::optional<FieldSelector> parse(const std::string &text, std::string &error,
                                              const std::string &kind = {});
    bool matches(const nlohmann::json &object) const;

private:
    struct Term {
        std::string field;
        bool equal;
        std::string value;
    };
    std::vector<Term> m_terms;
};

} // namespace lucent::sandbox
