#pragma once

#include <QJsonObject>
#include <QString>

namespace Lucent::Core::Kube {

/// A pod as `kubectl get pods` summarises it.
struct PodStatus {
    QString status; ///< the STATUS column: Running, CrashLoopBackOff, Init:1/2, Terminating, Completed, ...
    int readyContainers = 0;
    int containers = 0;
    int restarts = 0;
    /// The last termination of a container that restarted, "Error (exit code 1)", for seeing
    /// why a pod crash-loops without its logs; empty when none has.
    QString lastState;

    /// kubectl's rules: the phase, or the pod's reason; an init container still at work shows
    /// as Init:…; otherwise the last container's waiting or terminated reason (ExitCode:N or
    /// Signal:N without one); Completed with a container still running is Running or NotReady;
    /// a pod being deleted is Terminating (Unknown when its node is unreachable).
    static PodStatus of(const QJsonObject &pod);
};

} // namespace Lucent::Core::Kube
