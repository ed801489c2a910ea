#include "sandbox/api/apiserver.h"

#include "sandbox/api/defaults.h"
#include "sandbox/api/discovery.h"
#include "sandbox/api/fieldvalidation.h"
#include "sandbox/api/managedfields.h"
#include "sandbox/api/patch.h"
#include "sandbox/api/protobuf.h"
#include "sandbox/api/selectors.h"
#include "sandbox/api/tables.h"
#include "sandbox/api/yamljson.h"

#include <ctime>
#include <regex>
#include <thread>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

ApiResponse error(const ApiError &e)
{
    return ApiResponse::json(e.code, e.toStatus());
}

template<typename T> const ApiError *failed(const Result<T> &result)
{
    return std::get_if<ApiError>(&result);
}

bool isDryRun(const ApiRequest &request)
{
    return request.param("dryRun") == "All";
}

// Kinds whose status is written only through the /status subresource.
bool hasStatusSubresource(const ResourceType &type)
{
    return type.hasSubresource("status");
}

json listOf(const ResourceType &type, const ListPage &page)
{
    json items = json::array();
    for (const auto &item : page.items)
        items.push_back(item);
    json metadata = {{"resourceVersion", std::to_string(page.resourceVersion)}};
    if (!page.continueToken.empty()) {
        metadata["continue"] = page.continueToken;
        metadata["remainingItemCount"] = page.remaining;
    }
    return {{"kind", type.kind + "List"}, {"apiVersion", type.apiVersion()}, {"metadata", metadata}, {"items", items}};
}

struct Filters {
    std::optional<LabelSelector> labels;
    std::optional<FieldSelector> fields;
    ObjectStore::Predicate predicate() const
    {
        return [labels = labels, fields = fields](const json &o) {
            const json &meta = o["metadata"];
            return labels->matches(meta.contains("labels") ? meta["labels"] : json::object()) && fields->matches(o);
        };
    }
};

std::variant<Filters, ApiError> filtersOf(const ApiRequest &request, const std::string &kind)
{
    std::string why;
    Filters f;
    f.labels = LabelSelector::parse(request.param("labelSelector"), why);
    if (!f.labels)
        return ApiError::badRequest("unable to parse requirement: " + why);
    f.fields = FieldSelector::parse(request.param("fieldSelector"), why, kind);
    if (!f.fields)
        return ApiError::badRequest(why);
    return f;
}

bool validUtf8(const std::string &text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (length == 0 || i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2)
                return false;
        }
        i += length;
    }
    return true;
}

// Object names as Kubernetes requires them for most kinds: a DNS-1123 subdomain.
bool validName(const std::string &name)
{
    static const std::regex subdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    return !name.empty() && name.size() <= 253 && std::regex_match(name, subdomain);
}

// Kubernetes decodes bodies into typed structs, so a field sent as null is as good as
// absent (kubectl sends "creationTimestamp": null in every pod template it re-encodes).
// Dropping nulls keeps templates comparable, which ReplicaSet reuse on rollback relies on.
void dropNulls(json &value)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end();) {
            if (it->is_null()) {
                it = value.erase(it);
            } else {
                dropNulls(*it);
                ++it;
            }
        }
    } else if (value.is_array()) {
        for (auto &item : value)
            dropNulls(item);
    }
}

// The stored object with @p status and any warnings, or the store's error.
ApiResponse answer(const Result<json> &result, int status, std::vector<std::string> warnings)
{
    if (auto e = failed(result))
        return error(*e);
    ApiResponse response = ApiResponse::json(status, std::get<json>(result));
    response.warnings = std::move(warnings);
    return response;
}

// Who makes a write, for managedFields: the fieldManager parameter, else the first word of the
// client's User-Agent, as the API server derives it.
std::string managerOf(const ApiRequest &request)
{
    const std::string manager = request.param("fieldManager");
    if (!manager.empty())
        return manager;
    const std::string agent = request.header("user-agent");
    return agent.empty() ? std::string("unknown") : agent.substr(0, agent.find('/'));
}

// The Kubernetes verb of a request, for authorization.
std::string verbOf(const ApiRequest &request, const RequestPath &path)
{
    const std::string &m = request.method;
    // Streaming into a pod is creating a session, whichever method opens it (a WebSocket opens
    // with GET); reading the pod does not allow it.
    if (path.subresource == "exec" || path.subresource == "attach" || path.subresource == "portforward")
        return "create";
    if (m == "GET" || m == "HEAD") {
        if (!path.name.empty())
            return "get";
        return request.flag("watch") ? "watch" : "list";
    }
    if (m == "POST")
        return "create";
    if (m == "PUT")
        return "update";
    if (m == "PATCH")
        return "patch";
    if (m == "DELETE")
        return path.name.empty() ? "deletecollection" : "delete";
    return "unknown";
}

// The answer in the encoding the client prefers: kubectl's typed commands ask for protobuf
// first and take JSON too; a client that takes only protobuf, for a kind the sandbox cannot
// encode, is told so (406), as the API server does.
ApiResponse negotiated(const ApiRequest &request, ApiResponse response)
{
    const std::string accept = request.header("accept");
    if (response.stream || response.contentType != "application/json" || !protobuf::prefersProtobuf(accept))
        return response;
    const json object = json::parse(response.body, nullptr, false);
    if (auto encoded = object.is_discarded() ? std::nullopt : protobuf::encode(object)) {
        response.body = std::move(*encoded);
        response.contentType = std::string(protobuf::MediaType);
        return response;
    }
    if (protobuf::acceptsJson(accept))
        return response;
    return error(ApiError::notAcceptable(
        "the sandbox can encode this answer only as JSON, and the request accepts only " + accept));
}

// A request on a deprecated /watch/ path, as the watch it stands for: the collection with
// watch=true, narrowed to the named object by a field selector.
ApiRequest asWatchRequest(const ApiRequest &request, const RequestPath &path)
{
    ApiRequest watch = request;
    watch.path = (path.group.empty() ? "/api/" : "/apis/" + path.group + "/") + path.version
        + (path.ns.empty() ? "" : "/namespaces/" + path.ns) + "/" + path.resource;
    watch.query.erase("watch");
    watch.query.emplace("watch", "true");
    if (!path.name.empty()) {
        const std::string selector = request.param("fieldSelector");
        watch.query.erase("fieldSelector");
        watch.query.emplace("fieldSelector", "metadata.name=" + path.name + (selector.empty() ? "" : "," + selector));
    }
    return watch;
}

} // namespace

std::variant<json, ApiError> decodeBody(const ApiRequest &request)
{
    const std::string contentType = request.header("content-type");
    const std::string mediaType = contentType.substr(0, contentType.find(';'));
    if (mediaType == protobuf::MediaType) {
        auto decoded = protobuf::decode(request.body);
        if (auto e = std::get_if<protobuf::DecodeError>(&decoded))
            return e->unsupportedKind ? ApiError::unsupportedMediaType(mediaType, e->message)
                                      : ApiError::badRequest(e->message);
        return std::get<json>(std::move(decoded));
    }
    if (mediaType.find("protobuf") != std::string::npos)
        return ApiError::unsupportedMediaType(mediaType);
    if (request.body.empty())
        return ApiError::badRequest("the request body is empty; send the object as JSON");
    if (mediaType == "application/yaml" || mediaType == "application/apply-patch+yaml") {
        std::string why;
        auto converted = yamlToJson(request.body, why);
        if (!converted)
            return ApiError::badRequest("error converting YAML to JSON: " + why);
        return *converted;
    }
    if (!mediaType.empty() && mediaType != "application/json" && !patchTypeFor(mediaType) && mediaType != "*/*")
        return ApiError::unsupportedMediaType(mediaType);
    json value = json::parse(request.body, nullptr, false);
    if (value.is_discarded())
        return ApiError::badRequest("couldn't get version/kind; json parse error: the request body is not valid JSON");
    return value;
}

std::optional<ApiResponse> ApiServer::validateFields(const ApiRequest &request, const ResourceType &type,
                                                     const json &object, std::vector<std::string> &warnings) const
{
    const std::string mode = request.param("fieldValidation", "Warn");
    if (mode != "Strict" && mode != "Warn" && mode != "Ignore")
        return error(
            ApiError::badRequest("fieldValidation must be one of Ignore, Warn or Strict, not \"" + mode + "\""));
    const FieldCheck check = checkFields(type.kind, object);
    const std::string prefix
        = type.kind + " in version \"" + type.version + "\" cannot be handled as a " + type.kind + ": ";
    if (!check.typeError.empty())
        return error(ApiError::badRequest(prefix + check.typeError));
    if (check.unknownFields.empty() || mode == "Ignore")
        return std::nullopt;
    std::string listed;
    for (const auto &field : check.unknownFields) {
        listed += (listed.empty() ? "" : ", ") + std::string("unknown field \"") + field + "\"";
        warnings.push_back("unknown field \"" + field + "\"");
    }
    if (mode == "Strict")
        return error(ApiError::badRequest(prefix + "strict decoding error: " + listed));
    return std::nullopt;
}

ApiServer::ApiServer(ObjectStore &store, ApiServerOptions options)
    : m_store(store)
    , m_options(options)
    , m_random(options.faults.seed)
{
}

bool ApiServer::chance(double rate)
{
    if (rate <= 0)
        return false;
    std::lock_guard lock(m_randomMutex);
    return std::uniform_real_distribution<double>(0, 1)(m_random) < rate;
}

void ApiServer::stop()
{
    m_store.stop();
}

ApiResponse ApiServer::handle(const ApiRequest &request)
{
    // The handlers read fields with their expected JSON types; a body that has, say, a
    // number where a string belongs is the client's error, answered like Kubernetes'
    // decoder does, never a crash.
    try {
        return negotiated(request, route(request));
    } catch (const json::exception &e) {
        return error(ApiError::badRequest(std::string("the request body has a field of the wrong type: ") + e.what()));
    } catch (const std::exception &e) {
        return error(ApiError::internal(e.what()));
    }
}

ApiResponse ApiServer::route(const ApiRequest &request)
{
    if (request.body.size() > m_options.maxBodyBytes)
        return error(ApiError::requestEntityTooLarge(m_options.maxBodyBytes));
    bool utf8 = validUtf8(request.path);
    for (const auto &[key, value] : request.query)
        utf8 = utf8 && validUtf8(key) && validUtf8(value);
    if (!utf8)
        return error(ApiError::badRequest("the request path or query is not valid UTF-8"));
    const bool healthCheck = request.path == "/healthz" || request.path == "/readyz" || request.path == "/livez"
        || request.path == "/version";
    if (!request.authenticated && !healthCheck)
        return error(ApiError::unauthorized());
    if (auto discovery = serveDiscovery(request))
        return *discovery;
    if (request.path == "/lucent/v1/prometheus/targets")
        return prometheusTargets(request);

    auto path = RequestPath::parse(request.path);
    if (!path)
        return error({404, "NotFound", "the server could not find the requested resource", json::object(), {}});
    if (path->legacyWatch)
        return route(asWatchRequest(request, *path));
    Target target{*path, findResource(path->group, path->version, path->resource)};
    if (!target.type)
        return error({404, "NotFound", "the server could not find the requested resource", json::object(), {}});
    if (!target.type->namespaced && !path->ns.empty())
        return error({404, "NotFound", "the server could not find the requested resource", json::object(), {}});
    if (!path->subresource.empty() && !target.type->hasSubresource(path->subresource))
        return error({404, "NotFound", "the server could not find the requested resource", json::object(), {}});
    const FaultOptions &faults = m_options.faults;
    if (faults.latency.count() > 0)
        std::this_thread::sleep_for(faults.latency);
    if (chance(faults.errorRate)) {
        // Half the injected failures are overload (429 with Retry-After), half server errors.
        if (chance(0.5)) {
            ApiResponse busy = error({429,
                                      "TooManyRequests",
                                      "Too many requests, please try again later. (injected fault)",
                                      json::object(),
                                      {}});
            busy.headers.emplace_back("Retry-After", "1");
            return busy;
        }
        return error(ApiError::internal("injected fault (--error-rate)"));
    }
    Attributes what{verbOf(request, *path), path->group, path->resource, path->subresource, path->ns, path->name};
    std::string reason;
    if (!Authorizer::allowed(request.identity, what, reason)) {
        std::string verb = what.verb;
        return error(ApiError::forbidden(request.identity.user, verb, path->group,
                                         path->resource + (path->subresource.empty() ? "" : "/" + path->subresource),
                                         path->ns));
    }
    return dispatch(request, target);
}

ApiResponse ApiServer::dispatch(const ApiRequest &request, const Target &target)
{
    const auto &p = target.path;
    const std::string &m = request.method;
    if (target.type->kind == "SelfSubjectAccessReview") {
        if (m != "POST" || !p.name.empty())
            return error(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
        return selfSubjectAccessReview(request, request.identity);
    }
    if (target.type->group == "metrics.k8s.io")
        return metrics(request, target);
    if (p.subresource == "exec")
        return exec(request, target);
    if (p.subresource == "portforward")
        return portForward(request, target);
    if (p.subresource == "scale")
        return scale(request, target);
    if (p.subresource == "log") {
        if (m != "GET")
            return error(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
        return podLog(request, target);
    }
    if (p.subresource == "proxy")
        return proxy(request, target);
    if (p.name.empty()) {
        if (m == "GET") {
            return request.flag("watch") ? watchObjects(request, target) : listObjects(request, target);
        }
        if (m == "POST")
            return createObject(request, target);
        if (m == "DELETE")
            return deleteCollection(request, target);
    } else {
        if (m == "GET" && (p.subresource.empty() || p.subresource == "status"))
            return getObject(request, target);
        if (m == "PUT")
            return updateObject(request, target);
        if (m == "PATCH")
            return patchObject(request, target);
        if (m == "DELETE" && p.subresource.empty())
            return deleteObject(request, target);
    }
    return error(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
}

ApiResponse ApiServer::getObject(const ApiRequest &request, const Target &target)
{
    auto result = m_store.get(*target.type, target.path.ns, target.path.name);
    if (auto e = failed(result))
        return error(*e);
    const json &object = std::get<json>(result);
    if (wantsTable(request.header("accept")))
        return ApiResponse::json(200, toTable(*target.type, {object}, object["metadata"].value("resourceVersion", "")));
    return ApiResponse::json(200, object);
}

ApiResponse ApiServer::listObjects(const ApiRequest &request, const Target &target)
{
    auto filters = filtersOf(request, target.type->kind);
    if (auto e = std::get_if<ApiError>(&filters))
        return error(*e);
    std::size_t limit = 0;
    try {
        limit = request.has("limit") ? std::stoul(request.param("limit")) : 0;
    } catch (const std::exception &) {
        return error(ApiError::badRequest("limit must be a non-negative integer"));
    }
    if (!wantsTable(request.header("accept"))) {
        // The common and the large case (informers list everything): join the stored JSON.
        auto raw = m_store.listRaw(*target.type, target.path.ns, std::get<Filters>(filters).predicate(), limit,
                                   request.param("continue"));
        if (auto e = failed(raw))
            return error(*e);
        const auto &page = std::get<RawPage>(raw);
        json metadata = {{"resourceVersion", std::to_string(page.resourceVersion)}};
        if (!page.continueToken.empty()) {
            metadata["continue"] = page.continueToken;
            metadata["remainingItemCount"] = page.remaining;
        }
        std::size_t size = 256;
        for (const auto &item : page.items)
            size += item->size() + 1;
        std::string body;
        body.reserve(size);
        body += "{\"kind\":\"" + target.type->kind + "List\",\"apiVersion\":\"" + target.type->apiVersion()
            + "\",\"metadata\":" + metadata.dump() + ",\"items\":[";
        for (std::size_t i = 0; i < page.items.size(); ++i) {
            if (i)
                body += ',';
            body += *page.items[i];
        }
        body += "]}";
        return ApiResponse{200, "application/json", std::move(body), {}, {}, {}, {}, {}};
    }
    auto page = m_store.list(*target.type, target.path.ns, std::get<Filters>(filters).predicate(), limit,
                             request.param("continue"));
    if (auto e = failed(page))
        return error(*e);
    const auto &result = std::get<ListPage>(page);
    {
        json table = toTable(*target.type, result.items, std::to_string(result.resourceVersion));
        if (!result.continueToken.empty()) {
            table["metadata"]["continue"] = result.continueToken;
            table["metadata"]["remainingItemCount"] = result.remaining;
        }
        return ApiResponse::json(200, table);
    }
    return ApiResponse::json(200, listOf(*target.type, result));
}

ApiResponse ApiServer::createObject(const ApiRequest &request, const Target &target)
{
    auto body = decodeBody(request);
    if (auto e = std::get_if<ApiError>(&body))
        return error(*e);
    json object = std::get<json>(body);
    if (!object.is_object())
        return error(ApiError::badRequest("the body must be a JSON object"));
    const ResourceType &type = *target.type;
    if (object.value("kind", type.kind) != type.kind
        || object.value("apiVersion", type.apiVersion()) != type.apiVersion())
        return error(ApiError::badRequest("the API version in the data (" + object.value("apiVersion", std::string())
                                          + ") or kind (" + object.value("kind", std::string())
                                          + ") does not match the expected " + type.apiVersion() + " " + type.kind));
    const std::string bodyNs
        = object.contains("/metadata/namespace"_json_pointer) && object["metadata"]["namespace"].is_string()
        ? object["metadata"]["namespace"].get<std::string>()
        : "";
    if (!bodyNs.empty() && type.namespaced && bodyNs != target.path.ns)
        return error(ApiError::badRequest(
            "the namespace of the provided object does not match the namespace sent on the request"));
    if (object.contains("status") && hasStatusSubresource(type) && type.kind != "Pod")
        object.erase("status"); // status is the controllers' to write
    std::vector<std::string> warnings;
    if (auto rejected = validateFields(request, type, object, warnings))
        return *rejected;
    dropNulls(object);
    applyDefaults(type.kind, object);
    if (object.contains("metadata") && object["metadata"].is_object()) {
        object["metadata"].erase("managedFields"); // the server keeps them, not the client
        managedfields::recordUpdate(type.kind, type.apiVersion(), json(), object, managerOf(request), nowTimestamp());
    }
    const std::string name = object.value("/metadata/name"_json_pointer, std::string());
    if (!name.empty() && !validName(name))
        return error(ApiError::invalid(
            type.group, type.kind, name,
            {{"FieldValueInvalid",
              "Invalid value: \"" + name
                  + "\": a lowercase RFC 1123 subdomain must consist of lower case "
                    "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                    "character (e.g. 'example.com', regex used for validation is "
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
              "metadata.name"}}));
    return answer(m_store.create(type, target.path.ns, object, isDryRun(request)), 201, std::move(warnings));
}

ApiResponse ApiServer::store(const ApiRequest &request, const Target &target, json object, const json &current,
                             bool ownershipRecorded)
{
    const ResourceType &type = *target.type;
    if (!object.is_object())
        return error(ApiError::badRequest("the body must be a JSON object"));
    if (object.contains("/metadata/name"_json_pointer) && object["metadata"]["name"] != target.path.name)
        return error(ApiError::badRequest("the name of the object (" + object["metadata"]["name"].dump()
                                          + ") does not match the name on the URL (" + target.path.name + ")"));
    object["metadata"]["name"] = target.path.name;
    std::vector<std::string> warnings;
    if (auto rejected = validateFields(request, type, object, warnings))
        return *rejected;
    dropNulls(object);
    if (target.path.subresource.empty())
        applyDefaults(type.kind, object);
    if (target.path.subresource.empty() && !ownershipRecorded) {
        object["metadata"].erase("managedFields");
        if (current.contains("/metadata/managedFields"_json_pointer))
            object["metadata"]["managedFields"] = current["metadata"]["managedFields"];
        managedfields::recordUpdate(type.kind, type.apiVersion(), current, object, managerOf(request), nowTimestamp());
    }
    if (hasStatusSubresource(type)) {
        // The main resource cannot change status, and /status can change nothing but status.
        if (target.path.subresource == "status") {
            json merged = current;
            merged["status"] = object.value("status", json::object());
            merged["metadata"]["resourceVersion"] = object["metadata"].value("resourceVersion", "");
            object = merged;
        } else if (current.contains("status")) {
            object["status"] = current["status"];
        } else {
            object.erase("status");
        }
    }
    return answer(m_store.update(type, target.path.ns, object, isDryRun(request)), 200, std::move(warnings));
}

std::variant<ApiServer::WriteInput, ApiError> ApiServer::readForWrite(const ApiRequest &request,
                                                                      const Target &target) const
{
    auto body = decodeBody(request);
    if (auto e = std::get_if<ApiError>(&body))
        return *e;
    auto current = m_store.get(*target.type, target.path.ns, target.path.name);
    if (auto e = failed(current))
        return *e;
    return WriteInput{std::get<json>(std::move(body)), std::get<json>(std::move(current))};
}

ApiResponse ApiServer::updateObject(const ApiRequest &request, const Target &target)
{
    auto input = readForWrite(request, target);
    if (auto e = std::get_if<ApiError>(&input))
        return error(*e);
    auto &[body, current] = std::get<WriteInput>(input);
    // Without metadata.resourceVersion the update is unconditional, as Kubernetes allows
    // for the kinds served here; with one, a stale value is a 409 Conflict.
    return store(request, target, std::move(body), current);
}

ApiResponse ApiServer::serverSideApply(const ApiRequest &request, const Target &target)
{
    const ResourceType &type = *target.type;
    const std::string manager = request.param("fieldManager");
    if (manager.empty())
        return error(
            ApiError::invalid("meta.k8s.io", "PatchOptions", "",
                              {{"FieldValueRequired", "Required value: is required for apply patch", "fieldManager"}}));
    auto body = decodeBody(request);
    if (auto e = std::get_if<ApiError>(&body))
        return error(*e);
    json applied = std::get<json>(std::move(body));
    if (!applied.is_object() || applied.value("kind", "") != type.kind
        || applied.value("apiVersion", "") != type.apiVersion())
        return error(ApiError::badRequest("the applied configuration must be a " + type.apiVersion() + " " + type.kind
                                          + " with apiVersion and kind set"));
    if (applied.value("/metadata/name"_json_pointer, target.path.name) != target.path.name)
        return error(ApiError::badRequest("the name of the object does not match the name on the URL ("
                                          + target.path.name + ")"));
    dropNulls(applied);
    applied["metadata"]["name"] = target.path.name;
    auto current = m_store.get(type, target.path.ns, target.path.name);
    const bool creating = std::holds_alternative<ApiError>(current);
    if (creating && std::get<ApiError>(current).code != 404)
        return error(std::get<ApiError>(current));
    const json live = creating ? json() : std::get<json>(current);
    auto outcome = managedfields::apply(type.kind, type.apiVersion(), live, applied, manager, request.flag("force"),
                                        nowTimestamp());
    if (!outcome.conflicts.empty()) {
        json causes = json::array();
        for (const auto &c : outcome.conflicts)
            causes.push_back({{"reason", "FieldManagerConflict"},
                              {"message", "conflict with \"" + c.manager + "\" using " + c.apiVersion},
                              {"field", c.field}});
        return ApiResponse::json(409,
                                 {{"kind", "Status"},
                                  {"apiVersion", "v1"},
                                  {"metadata", json::object()},
                                  {"status", "Failure"},
                                  {"message", managedfields::conflictMessage(outcome.conflicts)},
                                  {"reason", "Conflict"},
                                  {"details", {{"causes", causes}}},
                                  {"code", 409}});
    }
    json object = std::move(outcome.object);
    if (!creating)
        return store(request, target, std::move(object), live, true);
    std::vector<std::string> warnings;
    if (auto rejected = validateFields(request, type, object, warnings))
        return *rejected;
    applyDefaults(type.kind, object);
    return answer(m_store.create(type, target.path.ns, object, isDryRun(request)), 201, std::move(warnings));
}

ApiResponse ApiServer::patchObject(const ApiRequest &request, const Target &target)
{
    const std::string contentType = request.header("content-type");
    if (contentType.substr(0, contentType.find(';')) == "application/apply-patch+yaml")
        return serverSideApply(request, target);
    const auto type = patchTypeFor(contentType);
    if (!type)
        return error(ApiError::unsupportedMediaType(contentType.substr(0, contentType.find(';'))));
    // A patch applies to what it read: keep its resourceVersion unless the patch set one, in
    // which case a stale value is a Conflict like any update. Without one, a write that came in
    // between (a controller's status update) is not the client's business: like the API
    // server's guaranteed update, the patch is applied again to the newer object.
    constexpr int Attempts = 5;
    for (int attempt = 1;; ++attempt) {
        auto input = readForWrite(request, target);
        if (auto e = std::get_if<ApiError>(&input))
            return error(*e);
        const auto &[body, original] = std::get<WriteInput>(input);
        auto patched = applyPatch(*type, target.type->kind, original, body);
        if (auto e = std::get_if<ApiError>(&patched))
            return error(*e);
        json object = std::get<json>(patched);
        if (!object.is_object() || !object["metadata"].is_object())
            return error(ApiError::badRequest("the patch removed the object's metadata"));
        const bool pinned = body.is_object() && body.contains("/metadata/resourceVersion"_json_pointer);
        ApiResponse response = store(request, target, std::move(object), original);
        if (response.status != 409 || pinned || attempt == Attempts)
            return response;
    }
}

ApiResponse ApiServer::deleteObject(const ApiRequest &request, const Target &target)
{
    std::string uid;
    std::string propagation = request.param("propagationPolicy", "Background");
    if (!request.body.empty()) {
        json options = json::parse(request.body, nullptr, false);
        if (options.is_discarded() || !options.is_object())
            return error(ApiError::badRequest("the DeleteOptions body is not valid JSON"));
        uid = options.value("/preconditions/uid"_json_pointer, std::string());
        propagation = options.value("propagationPolicy", propagation);
        if (options.value("dryRun", json::array()) == json::array({"All"})) {
            ApiRequest dry = request;
            dry.query.emplace("dryRun", "All");
            dry.body.clear();
            return deleteObject(dry, target);
        }
    }
    if (propagation != "Background" && propagation != "Foreground" && propagation != "Orphan")
        return error(ApiError::invalid("", "DeleteOptions", "",
                                       {{"FieldValueNotSupported",
                                         "Unsupported value: \"" + propagation
                                             + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                                         "propagationPolicy"}}));
    const bool orphan = propagation == "Orphan";
    if (orphan && !isDryRun(request)) {
        // The dependents let go of their owner before it goes, as with Kubernetes' orphan
        // finalizer. The other way round, the simulator's garbage collector could run between
        // the two, find dependents naming an owner that no longer exists, and delete them.
        auto current = m_store.get(*target.type, target.path.ns, target.path.name);
        if (const json *owner = std::get_if<json>(&current);
            owner && (uid.empty() || uid == (*owner)["metadata"].value("uid", ""))) {
            collectGarbage(*owner, true);
            uid = (*owner)["metadata"].value("uid", ""); // remove the owner that was orphaned, no other
        }
    }
    auto removed = m_store.remove(*target.type, target.path.ns, target.path.name, isDryRun(request), uid);
    if (auto e = failed(removed))
        return error(*e);
    const json &object = std::get<json>(removed);
    if (!isDryRun(request) && !orphan)
        collectGarbage(object, false);
    if (!isDryRun(request) && target.type->kind == "Namespace")
        emptyNamespace(target.path.name);
    return ApiResponse::json(200, object);
}

ApiResponse ApiServer::deleteCollection(const ApiRequest &request, const Target &target)
{
    if (!target.type->supports("deletecollection"))
        return error(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
    auto filters = filtersOf(request, target.type->kind);
    if (auto e = std::get_if<ApiError>(&filters))
        return error(*e);
    auto page = m_store.list(*target.type, target.path.ns, std::get<Filters>(filters).predicate(), 0, {});
    if (auto e = failed(page))
        return error(*e);
    ListPage deleted;
    for (const auto &item : std::get<ListPage>(page).items) {
        const auto &meta = item["metadata"];
        auto removed
            = m_store.remove(*target.type, meta.value("namespace", ""), meta.value("name", ""), isDryRun(request));
        if (auto object = std::get_if<json>(&removed)) {
            deleted.items.push_back(*object);
            if (!isDryRun(request))
                collectGarbage(*object, false);
        }
    }
    deleted.resourceVersion = m_store.resourceVersion();
    return ApiResponse::json(200, listOf(*target.type, deleted));
}

void ApiServer::emptyNamespace(const std::string &ns)
{
    // A deleted namespace takes everything in it along (Kubernetes' namespace controller
    // does this while the namespace is Terminating; here it happens at once).
    for (const auto &type : resourceTypes()) {
        if (!type.namespaced)
            continue;
        std::vector<std::string> names;
        m_store.forEach(type, [&](const json &o) {
            if (o["metadata"].value("namespace", "") == ns)
                names.push_back(o["metadata"].value("name", ""));
        });
        for (const auto &name : names)
            m_store.remove(type, ns, name, false);
    }
}

void ApiServer::collectGarbage(const json &owner, bool orphan)
{
    // Dependents name their owner by uid in metadata.ownerReferences. Deleting them can
    // orphan or delete their own dependents in turn (Deployment -> ReplicaSet -> Pod).
    const std::string uid = owner["metadata"].value("uid", "");
    const std::string ns = owner["metadata"].value("namespace", "");
    for (const auto &type : resourceTypes()) {
        if (!type.namespaced || !type.supports("delete"))
            continue;
        std::vector<json> dependents;
        m_store.forEach(type, [&](const json &o) {
            if (o["metadata"].value("namespace", "") != ns || !o["metadata"].contains("ownerReferences"))
                return;
            for (const auto &ref : o["metadata"]["ownerReferences"])
                if (ref.value("uid", "") == uid)
                    dependents.push_back(o);
        });
        for (const auto &dependent : dependents) {
            const std::string name = dependent["metadata"].value("name", "");
            if (orphan) {
                m_store.modify(type, ns, name, [&](json &o) -> std::optional<ApiError> {
                    json kept = json::array();
                    for (const auto &ref : o["metadata"]["ownerReferences"])
                        if (ref.value("uid", "") != uid)
                            kept.push_back(ref);
                    if (kept.empty())
                        o["metadata"].erase("ownerReferences");
                    else
                        o["metadata"]["ownerReferences"] = kept;
                    return std::nullopt;
                });
            } else {
                auto removed = m_store.remove(type, ns, name, false);
                if (auto object = std::get_if<json>(&removed))
                    collectGarbage(*object, false);
            }
        }
    }
}

} // namespace lucent::sandbox
