#pragma once

namespace lucent::sandbox {

/// The contents of sandbox/schema/kubernetes-protobuf.json, compiled in.
const char *kubernetesProtobufJson();

} // namespace lucent::sandbox
