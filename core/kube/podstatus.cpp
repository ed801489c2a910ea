#include "core/kube/podstatus.h"

#include <QJsonArray>

#include <optional>

namespace Lucent::Core::Kube {

namespace {

QJsonObject child(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toObject();
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

bool conditionTrue(const QJsonObject &status, const char *type)
{
    for (const auto &value : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = value.toObject();
        if (text(condition, "type") == QLatin1String(type))
            return text(condition, "status") == QLatin1String("True");
    }
    return false;
}

// A terminated state without a reason is named by its signal or exit code.
QString terminatedReason(const QJsonObject &terminated, const QString &prefix)
{
    if (!text(terminated, "reason").isEmpty())
        return prefix + text(terminated, "reason");
    const int signal = terminated.value(QLatin1String("signal")).toInt();
    return signal != 0
        ? prefix + QStringLiteral("Signal:%1").arg(signal)
        : prefix + QStringLiteral("ExitCode:%1").arg(terminated.value(QLatin1String("exitCode")).toInt());
}

// Init containers run one after the other: the first one not done decides.
std::optional<QString> initReason(const QJsonObject &status, int initContainers)
{
    const QJsonArray statuses = status.value(QLatin1String("initContainerStatuses")).toArray();
    for (int i = 0; i < statuses.size(); ++i) {
        const QJsonObject state = child(statuses[i].toObject(), "state");
        const QJsonObject terminated = child(state, "terminated");
        const QJsonObject waiting = child(state, "waiting");
        if (!terminated.isEmpty() && terminated.value(QLatin1String("exitCode")).toInt() == 0)
            continue;
        if (!terminated.isEmpty())
            return terminatedReason(terminated, QStringLiteral("Init:"));
        if (!text(waiting, "reason").isEmpty() && text(waiting, "reason") != QLatin1String("PodInitializing"))
            return QStringLiteral("Init:") + text(waiting, "reason");
        return QStringLiteral("Init:%1/%2").arg(i).arg(initContainers);
    }
    return std::nullopt;
}

} // namespace

PodStatus PodStatus::of(const QJsonObject &pod)
{
    PodStatus result;
    const QJsonObject status = child(pod, "status");
    const QJsonObject spec = child(pod, "spec");
    QString reason = text(status, "reason").isEmpty() ? text(status, "phase") : text(status, "reason");
    result.containers = int(spec.value(QLatin1String("containers")).toArray().size());

    const auto init = initReason(status, int(spec.value(QLatin1String("initContainers")).toArray().size()));
    if (init)
        reason = *init;
    if (!init || conditionTrue(status, "Initialized")) {
        bool running = false;
        const QJsonArray containers = status.value(QLatin1String("containerStatuses")).toArray();
        for (qsizetype i = containers.size() - 1; i >= 0; --i) {
            const QJsonObject container = containers[i].toObject();
            const QJsonObject state = child(container, "state");
            result.restarts += container.value(QLatin1String("restartCount")).toInt();
            if (!text(child(state, "waiting"), "reason").isEmpty())
                reason = text(child(state, "waiting"), "reason");
            else if (!child(state, "terminated").isEmpty())
                reason = terminatedReason(child(state, "terminated"), {});
            else if (container.value(QLatin1String("ready")).toBool() && state.contains(QLatin1String("running"))) {
                running = true;
                ++result.readyContainers;
            }
            const QJsonObject last = child(child(container, "lastState"), "terminated");
            if (!last.isEmpty() && result.lastState.isEmpty())
                result.lastState
                    = QStringLiteral("%1 (exit code %2)")
                          .arg(text(last, "reason").isEmpty() ? QStringLiteral("Terminated") : text(last, "reason"))
                          .arg(last.value(QLatin1String("exitCode")).toInt());
        }
        // A container still running keeps a pod whose other containers completed Running.
        if (reason == QLatin1String("Completed") && running)
            reason = conditionTrue(status, "Ready") ? QStringLiteral("Running") : QStringLiteral("NotReady");
    }
    if (!child(pod, "metadata").value(QLatin1String("deletionTimestamp")).toString().isEmpty())
        reason = text(status, "reason") == QLatin1String("NodeLost") ? QStringLiteral("Unknown")
                                                                     : QStringLiteral("Terminating");
    result.status = reason;
    return result;
}

} // namespace Lucent::Core::Kube
