// libFuzzer target: arbitrary requests into the sandbox's API layer (routing, query
// parsing, body decoding as JSON and YAML, selectors, all three patch types, subresources).
// Input layout: byte 0 picks the method (and, from 6 on, an Accept header that prefers
// protobuf), byte 1 the content type, then the request line "path?query" up to the first
// newline, then the body.
//
// Every answer must be well-formed: a status code between 200 and 599, for errors a
// metav1.Status, and a protobuf answer must decode again. A crash, a sanitizer report or a
// broken answer is a finding.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/protobuf.h"
#include "sandbox/cluster/platform.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace lucent::sandbox;

namespace {

ObjectStore &store()
{
    static ObjectStore s(2000);
    static const bool seeded = [] {
        applyPlatform(s, LUCENT_MANIFESTS_DIR);
        return true;
    }();
    (void)seeded;
    return s;
}

void parseQuery(const std::string &query, ApiRequest &request)
{
    std::size_t start = 0;
    while (start < query.size()) {
        const std::size_t end = std::min(query.find('&', start), query.size());
        const std::string pair = query.substr(start, end - start);
        const std::size_t eq = pair.find('=');
        request.query.emplace(pair.substr(0, eq), eq == std::string::npos ? std::string() : pair.substr(eq + 1));
        start = end + 1;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static ApiServer api(store());
    if (size < 2)
        return 0;
    static const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    static const char *types[] = {"application/json",
                                  "application/yaml",
                                  "application/merge-patch+json",
                                  "application/json-patch+json",
                                  "application/strategic-merge-patch+json",
                                  "application/vnd.kubernetes.protobuf",
                                  "text/plain",
                                  ""};
    ApiRequest request;
    request.method = methods[data[0] % 6];
    if ((data[0] / 6) % 2)
        request.headers["accept"] = "application/vnd.kubernetes.protobuf,application/json";
    request.headers["content-type"] = types[data[1] % 8];
    const std::string rest(reinterpret_cast<const char *>(data + 2), size - 2);
    const std::size_t newline = rest.find('\n');
    const std::string line = rest.substr(0, newline);
    request.body = newline == std::string::npos ? std::string() : rest.substr(newline + 1);
    const std::size_t question = line.find('?');
    request.path = line.substr(0, question);
    if (question != std::string::npos)
        parseQuery(line.substr(question + 1), request);
    request.authenticated = true;
    request.identity = {"lucent-admin", {"system:authenticated"}, Identity::Role::Admin, {"lucent-staging"}};

    const ApiResponse response = api.handle(request);
    // Streams (watch, follow) are not run: they wait for time to pass.
    if (response.status < 200 || response.status > 599)
        std::abort();
    if (!response.stream && response.contentType == "application/json") {
        const auto body = nlohmann::json::parse(response.body, nullptr, false);
        if (body.is_discarded())
            std::abort();
        if (response.status >= 400 && (!body.is_object() || body.value("kind", "") != "Status"))
            std::abort();
    }
    if (response.contentType == protobuf::MediaType) {
        const auto decoded = protobuf::decode(response.body);
        if (!std::holds_alternative<nlohmann::json>(decoded))
            std::abort();
    }
    return 0;
}
