#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lucent::sandbox {

/// Fills in the fields Kubernetes defaults when an object is written (strategy,
/// revisionHistoryLimit, progressDeadlineSeconds, Service type and port protocol, pod
/// restartPolicy, container imagePullPolicy, ...), so that clients that rely on them
/// (kubectl rollout status checks the StatefulSet updateStrategy) see what a real
/// cluster would return.
void applyDefaults(const std::string &kind, nlohmann::json &object);

} // namespace lucent::sandbox
