#include "sandbox/api/status.h"

namespace lucent::sandbox {

namespace {

std::string qualified(const std::string &group, const std::string &resource)
{
    return group.empty() ? resource : resource + "." + group;
}

json detailsFor(const std::string &group, const std::string &kindOrResource, const std::string &name)
{
    json d = json::object();
    if (!name.empty())
        d["name"] = name;
    if (!group.empty())
        d["group"] = group;
    d["kind"] = kindOrResource;
    return d;
}

} // namespace

json ApiError::toStatus() const
{
    json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                   {"status", "Failure"}, {"message", message}, {"reason", reason},
                   {"code", code}};
    json d = details;
    if (!causes.empty()) {
        json list = json::array();
        for (const auto &c : causes)
            list.push_back({{"reason", c.type}, {"message", c.message}, {"field", c.field}});
        d["causes"] = list;
    }
    if (!d.empty())
        status["details"] = d;
    return status;
}

ApiError ApiError::notFound(const std::string &group, const std::string &resource, const std::string &name)
{
    return {404,
            "NotFound",
            qualified(group, resource) + " \"" + name + "\" not found",
            detailsFor(group, resource, name),
            {}};
}

ApiError ApiError::alreadyExists(const std::string &group, const std::string &resource, const std::string &name)
{
    return {409,
            "AlreadyExists",
            qualified(group, resource) + " \"" + name + "\" already exists",
            detailsFor(group, resource, name),
            {}};
}

ApiError ApiError::conflict(const std::string &group, const std::string &resource, const std::string &name,
                            const std::string &why)
{
    return {409,
            "Conflict",
            "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name + "\": " + why,
            detailsFor(group, resource, name),
            {}};
}

ApiError ApiError::invalid(const std::string &group, const std::string &kind, const std::string &name,
                           std::vector<StatusCause> causes)
{
    std::string joined;
    for (std::size_t i = 0; i < causes.size(); ++i) {
        joined += (i ? ", " : "") + causes[i].field + ": " + causes[i].message;
    }
    const std::string subject = group.empty() ? kind : kind + "." + group;
    std::string message = subject + " \"" + name + "\" is invalid: ";
    message += causes.size() > 1 ? "[" + joined + "]" : joined;
    return {422, "Invalid", message, detailsFor(group, kind, name), std::move(causes)};
}

ApiError ApiError::badRequest(const std::string &message)
{
    return {400, "BadRequest", message, json::object(), {}};
}

ApiError ApiError::forbidden(const std::string &user, const std::string &verb, const std::string &group,
                             const std::string &resource, const std::string &ns)
{
    std::string message = resource + (group.empty() ? "" : "." + group) + " is forbidden: User \"" + user + "\" cannot "
        + verb + " resource \"" + resource + "\" in API group \"" + group + "\"";
    message += ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"";
    return {403, "Forbidden", message, detailsFor(group, resource, ""), {}};
}

ApiError ApiError::unauthorized()
{
    return {401, "Unauthorized", "Unauthorized", json::object(), {}};
}

ApiError ApiError::gone(const std::string &message)
{
    return {410, "Expired", message, json::object(), {}};
}

ApiError ApiError::resourceVersionTooLarge(std::uint64_t requested, std::uint64_t current)
{
    return {504,
            "Timeout",
            "Too large resource version: " + std::to_string(requested) + ", current: " + std::to_string(current),
            {{"retryAfterSeconds", 1}},
            {{"ResourceVersionTooLarge", "Too large resource version", ""}}};
}

ApiError ApiError::methodNotAllowed(const std::string &message)
{
    return {405, "MethodNotAllowed", message, json::object(), {}};
}

ApiError ApiError::unsupportedMediaType(const std::string &contentType, const std::string &detail)
{
    if (!detail.empty())
        return {415, "UnsupportedMediaType", detail, json::object(), {}};
    return {415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml, application/vnd.kubernetes.protobuf, "
            "application/apply-patch+yaml, "
            "application/json-patch+json, application/merge-patch+json, "
            "application/strategic-merge-patch+json (got "
                + contentType + ")",
            json::object(),
            {}};
}

ApiError ApiError::requestEntityTooLarge(std::size_t limit)
{
    return {413,
            "RequestEntityTooLarge",
            "the request body is larger than the server allows (" + std::to_string(limit) + " bytes)",
            json::object(),
            {}};
}

ApiError ApiError::notAcceptable(const std::string &message)
{
    return {406, "NotAcceptable", message, json::object(), {}};
}

ApiError ApiError::internal(const std::string &message)
{
    return {500, "InternalError", "Internal error occurred: " + message, json::object(), {}};
}

json successStatus(const std::string &name, const std::string &group, const std::string &kind, const std::string &uid)
{
    json details = {{"name", name}, {"kind", kind}, {"uid", uid}};
    if (!group.empty())
        details["group"] = group;
    return {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", json::object()},
            {"status", "Success"},
            {"details", details}};
}

} // namespace lucent::sandbox
