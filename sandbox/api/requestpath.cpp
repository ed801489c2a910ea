#include "sandbox/api/requestpath.h"

#include <vector>

namespace lucent::sandbox {

namespace {

std::vector<std::string> segments(const std::string &path)
{
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        parts.push_back(path.substr(start, end - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

} // namespace

std::optional<RequestPath> RequestPath::parse(const std::string &path)
{
    if (path.empty() || path[0] != '/' || path.size() > 4096)
        return std::nullopt;
    std::vector<std::string> parts = segments(path);
    if (!parts.empty() && parts.back().empty())
        parts.pop_back(); // a trailing slash
    RequestPath r;
    std::size_t i = 0;
    if (parts.size() >= 2 && parts[0] == "api") {
        r.version = parts[1];
        i = 2;
    } else if (parts.size() >= 3 && parts[0] == "apis") {
        r.group = parts[1];
        r.version = parts[2];
        i = 3;
    } else {
        return std::nullopt;
    }
    if (i >= parts.size())
        return std::nullopt; // a discovery path
    if (parts[i] == "watch" && i + 1 < parts.size()) {
        r.legacyWatch = true;
        ++i;
    }
    // "namespaces/{ns}/{resource}..." is a namespaced request; "namespaces" and
    // "namespaces/{ns}[/status]" address Namespace objects themselves.
    if (parts[i] == "namespaces" && parts.size() >= i + 3 && parts[i + 2] != "status" && parts[i + 2] != "finalize") {
        r.ns = parts[i + 1];
        i += 2;
    }
    r.resource = parts[i++];
    if (i < parts.size())
        r.name = parts[i++];
    if (i < parts.size())
        r.subresource = parts[i++];
    if (r.legacyWatch && !r.subresource.empty())
        return std::nullopt;
    for (; i < parts.size(); ++i) {
        if (r.subresource != "proxy")
            return std::nullopt;
        r.rest += "/" + parts[i];
    }
    if (r.subresource == "proxy" && path.back() == '/')
        r.rest += "/";
    if (r.version.empty() || r.resource.empty() || (path.find("//") != std::string::npos && r.subresource != "proxy"))
        return std::nullopt;
    return r;
}

} // namespace lucent::sandbox
