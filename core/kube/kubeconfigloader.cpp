#include "core/kube/kubeconfigloader.h"

#include "core/logging/logging.h"

#include <QFuture>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace Lucent::Core::Kube {

KubeconfigLoader::KubeconfigLoader(QObject *parent)
    : QObject(parent)
{
}

void KubeconfigLoader::load(const QStringList &files, bool missingIsProblem)
{
    const quint64 generation = ++m_generation;
    Logging::logger("lucent.core.kube")
        ->debug("loading kubeconfig from {}", files.join(QLatin1Char(':')).toStdString());
    // Qt runs a continuation at once when the future has already finished by the time it is
    // attached; the queued hop keeps loaded() from ever firing inside load() itself.
    QtConcurrent::run([files, missingIsProblem] {
        return Kubeconfig::load(files, missingIsProblem);
    }).then(this, [this, generation](const Kubeconfig &config) {
        QMetaObject::invokeMethod(
            this, [this, generation, config] { deliver(generation, config); }, Qt::QueuedConnection);
    });
}

void KubeconfigLoader::deliver(quint64 generation, const Kubeconfig &config)
{
    if (generation != m_generation)
        return; // a newer load was requested meanwhile
    for (const KubeconfigProblem &problem : config.problems)
        Logging::logger("lucent.core.kube")->warn("{}", problem.sentence().toStdString());
    Q_EMIT loaded(config);
}

} // namespace Lucent::Core::Kube
