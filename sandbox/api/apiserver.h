#pragma once

#include "sandbox/api/apirequest.h"
#include "sandbox/api/requestpath.h"
#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/podruntime.h"
#include "sandbox/store/objectstore.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>

namespace lucent::sandbox {

/// Faults to inject, for testing how clients cope with a bad API server.
struct FaultOptions {
    double errorRate = 0; ///< share of resource requests answered 500 or 429 (with Retry-After)
    std::chrono::milliseconds latency{0}; ///< added to every request
    double goneRate = 0; ///< share of watches from a resourceVersion answered 410 Gone
    std::chrono::seconds dropWatchesAfter{0}; ///< end every watch after this long (0: never)
    std::uint64_t seed = 1;
};

struct ApiServerOptions {
    std::size_t maxBodyBytes = 3 * 1024 * 1024; ///< what kube-apiserver accepts
    std::chrono::seconds defaultWatchTimeout{1800};
    std::chrono::seconds bookmarkInterval{10};
    FaultOptions faults;
};

/// The Kubernetes API over the object store: routing, verbs, selectors, patches, watches and
/// errors as metav1.Status. Transport-free: the HTTP adapter and the tests feed it requests.
class ApiServer
{
public:
    ApiServer(ObjectStore &store, ApiServerOptions options = {});

    ApiResponse handle(const ApiRequest &request);

    /// Where pod logs and proxied requests come from; without it they answer 503.
    void setRuntime(const PodRuntime *runtime) { m_runtime = runtime; }

    /// Ends running watches (used at shutdown).
    void stop();

private:
    struct Target {
        RequestPath path;
        const ResourceType *type = nullptr;
    };

    /// The decoded request body and the stored object it is about to change.
    struct WriteInput {
        nlohmann::json body;
        nlohmann::json current;
    };
    std::variant<WriteInput, ApiError> readForWrite(const ApiRequest &request, const Target &target) const;

    ApiResponse route(const ApiRequest &request);
    ApiResponse dispatch(const ApiRequest &request, const Target &target);
    ApiResponse getObject(const ApiRequest &request, const Target &target);
    ApiResponse listObjects(const ApiRequest &request, const Target &target);
    ApiResponse watchObjects(const ApiRequest &request, const Target &target);
    ApiResponse createObject(const ApiRequest &request, const Target &target);
    ApiResponse updateObject(const ApiRequest &request, const Target &target);
    ApiResponse patchObject(const ApiRequest &request, const Target &target);
    ApiResponse deleteObject(const ApiRequest &request, const Target &target);
    ApiResponse deleteCollection(const ApiRequest &request, const Target &target);
    ApiResponse scale(const ApiRequest &request, const Target &target);
    ApiResponse selfSubjectAccessReview(const ApiRequest &request, const Identity &who);
    ApiResponse podLog(const ApiRequest &request, const Target &target);
    ApiResponse proxy(const ApiRequest &request, const Target &target);
    /// metrics.k8s.io: PodMetrics and NodeMetrics of the running pods, computed on each read.
    ApiResponse metrics(const ApiRequest &request, const Target &target);
    /// The pod an exec or port-forward opens a session to, or why there is none.
    std::variant<nlohmann::json, ApiResponse> sessionPod(const ApiRequest &request, const Target &target) const;
    /// pods/exec: checks the request and answers with the command to run (ApiResponse::exec).
    ApiResponse exec(const ApiRequest &request, const Target &target);
    /// pods/portforward: checks the request and answers with what the pod's ports answer
    /// (ApiResponse::forward).
    ApiResponse portForward(const ApiRequest &request, const Target &target);
    ForwardAnswer forwardTo(const nlohmann::json &pod, int port, const std::string &bytes);
    ExecResult runCommand(const nlohmann::json &pod, const std::string &container, const std::vector<std::string> &argv,
                          const std::string &stdinText);
    ExecResult runScript(const nlohmann::json &pod, const std::string &container, const std::string &script,
                         const std::string &stdinText);
    ExecResult curl(const nlohmann::json &pod, const std::string &container, const std::vector<std::string> &args);
    /// The container's environment as `env` prints it, Secrets and ConfigMaps resolved.
    std::vector<std::pair<std::string, std::string>> environment(const nlohmann::json &pod,
                                                                 const std::string &container);
    /// A file of a ConfigMap or Secret volume mounted in the container.
    std::optional<std::string> mountedFile(const nlohmann::json &pod, const std::string &container,
                                           const std::string &path);
    /// GET /lucent/v1/prometheus/targets: Prometheus http_sd targets, one per running pod,
    /// scraped through this server's pod proxy.
    ApiResponse prometheusTargets(const ApiRequest &request);

    /// Writes @p object as the new state of the target (main resource or status), keeping
    /// the half the request may not touch.
    /// Unless @p ownershipRecorded (a server-side apply did it), the write's field manager takes
    /// the fields it changed.
    ApiResponse store(const ApiRequest &request, const Target &target, nlohmann::json object,
                      const nlohmann::json &current, bool ownershipRecorded = false);
    /// PATCH with application/apply-patch+yaml: server-side apply, creating the object when it
    /// does not exist.
    ApiResponse serverSideApply(const ApiRequest &request, const Target &target);
    /// Checks fields as the decoder would: wrong types are a 400 always, unknown fields a 400
    /// under fieldValidation=Strict and a warning under Warn (the default).
    std::optional<ApiResponse> validateFields(const ApiRequest &request, const ResourceType &type,
                                              const nlohmann::json &object, std::vector<std::string> &warnings) const;
    /// Deletes (or, for Orphan, releases) every object that @p owner owns, recursively.
    void collectGarbage(const nlohmann::json &owner, bool orphan);
    void emptyNamespace(const std::string &ns);

    ObjectStore &m_store;
    ApiServerOptions m_options;
    const PodRuntime *m_runtime = nullptr;
    bool chance(double rate);
    std::mutex m_randomMutex;
    std::mt19937_64 m_random;
    std::atomic<unsigned> m_roundRobin{0};
};

/// Decodes a request body (JSON or YAML) into a JSON value, or says why it cannot.
std::variant<nlohmann::json, ApiError> decodeBody(const ApiRequest &request);

} // namespace lucent::sandbox
