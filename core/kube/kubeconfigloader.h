#pragma once

#include "core/jobs/latestjob.h"
#include "core/kube/kubeconfig.h"

#include <QObject>

namespace Lucent::Core::Kube {

/// Reads kubeconfig files on a worker thread so the GUI never waits on the disk. Only the
/// newest request is answered: a load that finishes after a later one was started is dropped.
class KubeconfigLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeconfigLoader)

public:
    explicit KubeconfigLoader(QObject *parent = nullptr);

    /// Starts reading @p files; see Kubeconfig::load() for @p missingIsProblem. loaded() always
    /// follows later from the event loop, never from within this call.
    void load(const QStringList &files, bool missingIsProblem);

Q_SIGNALS:
    void loaded(const Lucent::Core::Kube::Kubeconfig &config);

private:
    void deliver(const Kubeconfig &config);

    Jobs::LatestJob<Kubeconfig> m_job{this};
};

} // namespace Lucent::Core::Kube
