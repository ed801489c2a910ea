#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lucent::sandbox {

using json = nlohmann::json;

/// One field-level cause of an Invalid or BadRequest error (metav1.StatusCause).
struct StatusCause {
    std::string type; ///< e.g. FieldValueRequired, FieldValueInvalid, FieldValueNotSupported
    std::string message;
    std::string field;
};

/// A failed request, rendered as a metav1.Status object with the HTTP code Kubernetes uses.
struct ApiError {
    int code = 500;
    std::string reason; ///< NotFound, AlreadyExists, Conflict, Invalid, Forbidden, ...
    std::string message;
    json details = json::object();
    std::vector<StatusCause> causes;

    json toStatus() const;

    static ApiError notFound(const std::string &group, const std::string &resource, const std::string &name);
    static ApiError alreadyExists(const std::string &group, const std::string &resource, const std::string &name);
    static ApiError conflict(const std::string &group, const std::string &resource, const std::string &name,
                             const std::string &why);
    static ApiError invalid(const std::string &group, const std::string &kind, const std::string &name,
                            std::vector<StatusCause> causes);
    static ApiError badRequest(const std::string &message);
    static ApiError forbidden(const std::string &user, const std::string &verb, const std::string &group,
                              const std::string &resource, const std::string &ns);
    static ApiError unauthorized();
    static ApiError gone(const std::string &message);
    /// A watch from a resourceVersion the server has not reached (504, as Kubernetes answers).
    static ApiError resourceVersionTooLarge(std::uint64_t requested, std::uint64_t current);
    static ApiError methodNotAllowed(const std::string &message);
    /// @p detail, when given, says why this body in particular cannot be read.
    static ApiError unsupportedMediaType(const std::string &contentType, const std::string &detail = {});
    static ApiError requestEntityTooLarge(std::size_t limit);
    static ApiError notAcceptable(const std::string &message);
    static ApiError internal(const std::string &message);
};

/// A metav1.Status with status Success, as DELETE of some kinds returns.
json successStatus(const std::string &name, const std::string &group, const std::string &kind, const std::string &uid);

} // namespace lucent::sandbox
