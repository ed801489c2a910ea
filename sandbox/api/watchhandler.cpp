// The watch verb: a chunked stream of {"type", "object"} lines, resumable from a
// resourceVersion, with bookmarks and a 410 Gone (as an ERROR event) when the history no
// longer reaches back far enough.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/selectors.h"
#include "sandbox/api/tables.h"

#include <thread>

namespace lucent::sandbox {

using json = nlohmann::json;

ApiResponse ApiServer::watchObjects(const ApiRequest &request, const Target &target)
{
    std::string why;
    auto labels = LabelSelector::parse(request.param("labelSelector"), why);
    if (!labels)
        return ApiResponse::json(400, ApiError::badRequest("unable to parse requirement: " + why).toStatus());
    auto fields = FieldSelector::parse(request.param("fieldSelector"), why, target.type->kind);
    if (!fields)
        return ApiResponse::json(400, ApiError::badRequest(why).toStatus());

    std::uint64_t since = 0;
    const std::string rv = request.param("resourceVersion");
    try {
        since = rv.empty() ? 0 : std::stoull(rv);
    } catch (const std::exception &) {
        return ApiResponse::json(400, ApiError::badRequest("invalid resource version \"" + rv + "\"").toStatus());
    }
    auto timeout = m_options.defaultWatchTimeout;
    if (request.has("timeoutSeconds")) {
        try {
            timeout = std::chrono::seconds(std::stol(request.param("timeoutSeconds")));
        } catch (const std::exception &) {
            return ApiResponse::json(400, ApiError::badRequest("timeoutSeconds must be an integer").toStatus());
        }
    }
    const bool bookmarks = request.flag("allowWatchBookmarks");
    if (m_options.faults.dropWatchesAfter.count() > 0)
        timeout
            = std::min(timeout, std::chrono::duration_cast<std::chrono::seconds>(m_options.faults.dropWatchesAfter));
    if (since > m_store.resourceVersion())
        return ApiResponse::json(504, ApiError::resourceVersionTooLarge(since, m_store.resourceVersion()).toStatus());
    const bool injectGone = since > 0 && chance(m_options.faults.goneRate);
    const bool table = wantsTable(request.header("accept"));
    const ResourceType type = *target.type;
    const std::string ns = target.path.ns;

    ApiResponse response;
    response.contentType = "application/json";
    response.stream = [this, type, ns, labels = *labels, fields = *fields, since, timeout, bookmarks, table,
                       injectGone](const ChunkWriter &write) mutable {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        auto matches = [&](const json &o) {
            const json &meta = o["metadata"];
            if (!ns.empty() && meta.value("namespace", "") != ns)
                return false;
            return labels.matches(meta.contains("labels") ? meta["labels"] : json::object()) && fields.matches(o);
        };
        bool firstTable = true;
        auto send = [&](const std::string &eventType, const json &object) {
            json payload = object;
            if (table && eventType != "ERROR" && eventType != "BOOKMARK") {
                payload = toTable(type, {object}, object["metadata"].value("resourceVersion", ""), firstTable);
                firstTable = false;
            }
            return write(
                json{{"type", eventType}, {"object", payload}}.dump(-1, ' ', false, json::error_handler_t::replace)
                + "\n");
        };
        // Stored objects are already serialized: plain JSON watches send them as they are.
        auto sendText = [&](const std::string &eventType, const std::string &text) {
            if (table)
                return send(eventType, json::parse(text));
            return write("{\"type\":\"" + eventType + "\",\"object\":" + text + "}\n");
        };

        if (injectGone) {
            send("ERROR",
                 ApiError::gone("too old resource version: " + std::to_string(since) + " (injected fault)").toStatus());
            return;
        }
        // Without a resourceVersion ("0" or none) a watch starts with the current state.
        if (since == 0) {
            auto page = m_store.list(type, ns, matches, 0, {});
            const auto &current = std::get<ListPage>(page);
            for (const auto &item : current.items) {
                if (!send("ADDED", item))
                    return;
            }
            since = current.resourceVersion;
        }
        auto lastBookmark = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() < deadline) {
            const auto wakeUp = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1));
            auto events = m_store.waitForEvents(type.key(), since, wakeUp);
            if (auto e = std::get_if<ApiError>(&events)) {
                send("ERROR", e->toStatus());
                return;
            }
            const auto &batch = std::get<EventBatch>(events);
            for (const auto &event : batch.events) {
                if (matches(event.meta) && !sendText(event.type, *event.text))
                    return;
            }
            since = std::max(since, batch.upTo);
            if (m_store.stopped())
                return;
            if (bookmarks && std::chrono::steady_clock::now() - lastBookmark >= m_options.bookmarkInterval) {
                lastBookmark = std::chrono::steady_clock::now();
                json bookmark = {{"kind", type.kind},
                                 {"apiVersion", type.apiVersion()},
                                 {"metadata", {{"resourceVersion", std::to_string(since)}}}};
                if (!send("BOOKMARK", bookmark))
                    return;
            } else if (!write({})) {
                return; // the client has gone
            }
        }
    };
    return response;
}

} // namespace lucent::sandbox
