#include "core/kube/kubeconfigloader.h"

#include "core/logging/logging.h"

namespace Lucent::Core::Kube {

KubeconfigLoader::KubeconfigLoader(QObject *parent)
    : QObject(parent)
{
}

void KubeconfigLoader::load(const QStringList &files, bool missingIsProblem)
{
    Logging::logger("lucent.core.kube")
        ->debug("loading kubeconfig from {}", files.join(QLatin1Char(':')).toStdString());
    // A newer load cancels this one; the watcher delivers from the event loop, so loaded()
    // never fires inside load() itself.
    m_job.start([files, missingIsProblem](
                    QPromise<Kubeconfig> &promise) { promise.addResult(Kubeconfig::load(files, missingIsProblem)); },
                [this](const Kubeconfig &config) { deliver(config); });
}

void KubeconfigLoader::deliver(const Kubeconfig &config)
{
    for (const KubeconfigProblem &problem : config.problems)
        Logging::logger("lucent.core.kube")->warn("{}", problem.sentence().toStdString());
    Q_EMIT loaded(config);
}

} // namespace Lucent::Core::Kube
