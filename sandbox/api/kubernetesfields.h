#pragma once

namespace lucent::sandbox {

/// The contents of sandbox/schema/kubernetes-fields.json, compiled in.
const char *kubernetesFieldsJson();

} // namespace lucent::sandbox
