// Compiled with core/kube's include path only: it must fail, because kube sits below release
// in the module graph (core/CMakeLists.txt). The module_graph test expects exactly that error.
#include "core/release/rolloutactions.h"
