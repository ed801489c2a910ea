// The scale subresource (autoscaling/v1 Scale) and SelfSubjectAccessReview.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/patch.h"
#include "sandbox/auth/authorizer.h"

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

std::string selectorString(const json &selector)
{
    std::string out;
    if (selector.is_object() && selector.contains("matchLabels")) {
        for (const auto &[k, v] : selector["matchLabels"].items())
            out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    return out;
}

json scaleOf(const json &object)
{
    const json &meta = object["metadata"];
    json scale = {{"kind", "Scale"},
                  {"apiVersion", "autoscaling/v1"},
                  {"metadata",
                   {{"name", meta["name"]},
                    {"namespace", meta["namespace"]},
                    {"uid", meta["uid"]},
                    {"resourceVersion", meta["resourceVersion"]},
                    {"creationTimestamp", meta["creationTimestamp"]}}},
                  {"spec", {{"replicas", object.value("/spec/replicas"_json_pointer, 1)}}},
                  {"status",
                   {{"replicas", object.value("/status/replicas"_json_pointer, 0)},
                    {"selector", selectorString(object.value("/spec/selector"_json_pointer, json()))}}}};
    return scale;
}

} // namespace

ApiResponse ApiServer::scale(const ApiRequest &request, const Target &target)
{
    const auto &p = target.path;
    auto current = m_store.get(*target.type, p.ns, p.name);
    if (auto e = std::get_if<ApiError>(&current))
        return ApiResponse::json(e->code, e->toStatus());
    const json &object = std::get<json>(current);
    if (request.method == "GET")
        return ApiResponse::json(200, scaleOf(object));
    if (request.method != "PUT" && request.method != "PATCH")
        return ApiResponse::json(
            405,
            ApiError::methodNotAllowed("the server does not allow this method on the requested resource").toStatus());

    auto body = decodeBody(request);
    if (auto e = std::get_if<ApiError>(&body))
        return ApiResponse::json(e->code, e->toStatus());
    json scale = std::get<json>(body);
    if (request.method == "PATCH") {
        const auto type = patchTypeFor(request.header("content-type"));
        if (!type)
            return ApiResponse::json(415, ApiError::unsupportedMediaType(request.header("content-type")).toStatus());
        auto patched = applyPatch(*type, "Scale", scaleOf(object), scale);
        if (auto e = std::get_if<ApiError>(&patched))
            return ApiResponse::json(e->code, e->toStatus());
        scale = std::get<json>(patched);
    }
    const json replicas = scale.value("/spec/replicas"_json_pointer, json());
    if (!replicas.is_number_integer() || replicas.get<std::int64_t>() < 0)
        return ApiResponse::json(
            422,
            ApiError::invalid(
                "autoscaling", "Scale", p.name,
                {{"FieldValueInvalid", "Invalid value: " + replicas.dump() + ": must be greater than or equal to 0",
                  "spec.replicas"}})
                .toStatus());
    // As the API server's scale storage does: a uid in the Scale is a precondition on the
    // object it scales (a Deployment recreated under the same name is another object).
    const std::string uid = scale.value("/metadata/uid"_json_pointer, std::string());
    const std::string currentUid = object.value("/metadata/uid"_json_pointer, std::string());
    if (!uid.empty() && uid != currentUid)
        return ApiResponse::json(409,
                                 ApiError::conflict(target.type->group, target.type->plural + "/scale", p.name,
                                                    "Precondition failed: UID in precondition: " + uid
                                                        + ", UID in object meta: " + currentUid)
                                     .toStatus());
    json updated = object;
    updated["spec"]["replicas"] = replicas;
    const std::string rv = scale.value("/metadata/resourceVersion"_json_pointer, std::string());
    if (!rv.empty())
        updated["metadata"]["resourceVersion"] = rv;
    auto stored = m_store.update(*target.type, p.ns, updated, request.param("dryRun") == "All");
    if (auto e = std::get_if<ApiError>(&stored))
        return ApiResponse::json(e->code, e->toStatus());
    return ApiResponse::json(200, scaleOf(std::get<json>(stored)));
}

ApiResponse ApiServer::selfSubjectAccessReview(const ApiRequest &request, const Identity &who)
{
    auto body = decodeBody(request);
    if (auto e = std::get_if<ApiError>(&body))
        return ApiResponse::json(e->code, e->toStatus());
    json review = std::get<json>(body);
    if (!review.is_object() || !review.contains("/spec/resourceAttributes"_json_pointer))
        return ApiResponse::json(
            422,
            ApiError::invalid(
                "authorization.k8s.io", "SelfSubjectAccessReview", "",
                {{"FieldValueRequired",
                  "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
                  "spec.resourceAttributes"}})
                .toStatus());
    const json &ra = review["spec"]["resourceAttributes"];
    Attributes what{ra.value("verb", ""),        ra.value("group", ""),     ra.value("resource", ""),
                    ra.value("subresource", ""), ra.value("namespace", ""), ra.value("name", "")};
    std::string reason;
    const bool allowed = Authorizer::allowed(who, what, reason);
    review["apiVersion"] = "authorization.k8s.io/v1";
    review["kind"] = "SelfSubjectAccessReview";
    review["metadata"] = {{"creationTimestamp", nullptr}};
    review["status"] = {{"allowed", allowed}, {"reason", reason}};
    if (!allowed)
        review["status"]["denied"] = false; // "no opinion", as RBAC answers: not allowed, not denied
    return ApiResponse::json(201, review);
}

} // namespace lucent::sandbox
