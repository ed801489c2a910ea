// The rolling-back half of PromotionEngine: abort, and the ways back to the old colour, before
// and after the switch.

#include "core/release/promotionengine.h"

#include "core/kube/kubeclient.h"
#include "core/release/analysisrunner.h"
#include "core/release/promotiontransitions.h"
#include "core/release/rolloutsummary.h"
#include "core/release/serviceswitch.h"

#include <QTimer>

#include <memory>

namespace Lucent::Core::Release {

void PromotionEngine::abort(const QString &reason)
{
    if (m_finished || m_rollingBack)
        return;
    m_failure = reason; // what is under way sees it when it is answered
    switch (abortAction(m_step)) {
    case AbortAction::RollBackStandby: rollBack(reason); return;
    case AbortAction::RestoreOldColour: restoreOldColour(reason); return;
    case AbortAction::Later:
    case AbortAction::Ignored: return;
    }
}

void PromotionEngine::switchBack(int index, const QString &reason, bool thenRollBack)
{
    m_rollingBack = true;
    if (m_step != PromotionStep::RollingBack)
        setStep(PromotionStep::RollingBack);
    while (index >= 0 && !m_onNewColour[index])
        --index;
    if (index < 0) {
        Q_EMIT progress(tr("Every Service serves its old colour again."));
        if (thenRollBack) {
            scaleAll(
                standbyNames(), QList<int>(m_plan.services.size(), 0), [this, reason](bool ok, const QString &problem) {
                    finish(
                        PromotionOutcome::RolledBack,
                        ok ? tr("Rolled back: %1 Every Service serves its old colour, and the new colour is scaled to "
                                "0.")
                                 .arg(reason)
                           : tr("Rolled back: %1 Every Service serves its old colour, but the new colour could not be "
                                "scaled down: %2")
                                 .arg(reason, problem));
                });
        }
        return;
    }
    const PlannedService &planned = m_plan.services[index];
    auto *serviceSwitch = new ServiceSwitch(m_client, m_plan.request.namespaceName, this);
    connect(serviceSwitch, &ServiceSwitch::finished, this,
            [this, serviceSwitch, index, planned, reason, thenRollBack](bool ok, bool, const QString &sentence) {
                serviceSwitch->deleteLater();
                m_audit.record(QStringLiteral("switch-back"), QStringLiteral("service/") + planned.service,
                               tr("selector color %1 to %2").arg(planned.standbyColour, planned.activeColour), ok,
                               sentence);
                Q_EMIT progress(sentence);
                if (!ok) {
                    finish(PromotionOutcome::Inconsistent,
                           tr("%1 Switching back failed: %2 Restore it by hand: kubectl -n %3 patch service %4 -p "
                              "'{\"spec\":{\"selector\":{\"color\":\"%5\"}}}', or run 'lucent-console promotion "
                              "abort --env %6'.")
                               .arg(reason, sentence, m_plan.request.namespaceName, planned.service,
                                    planned.activeColour, m_plan.request.environment));
                    return;
                }
                m_onNewColour[index] = false;
                journal();
                switchBack(index - 1, reason, thenRollBack);
            });
    serviceSwitch->run(planned.service, planned.standbyColour, planned.activeColour, m_serviceVersions.value(index));
}

bool PromotionEngine::beginRollBack(const QString &reason)
{
    if (m_rollingBack || m_finished)
        return false;
    m_rollingBack = true;
    m_failure = reason;
    if (m_monitorAnalysis)
        m_monitorAnalysis->cancel();
    setStep(PromotionStep::RollingBack);
    Q_EMIT progress(tr("Rolling back: %1").arg(reason));
    return true;
}

void PromotionEngine::rollBack(const QString &reason)
{
    if (!beginRollBack(reason))
        return;
    scaleAll(standbyNames(), QList<int>(m_plan.services.size(), 0), [this, reason](bool ok, const QString &problem) {
        finish(PromotionOutcome::RolledBack,
               ok ? tr("Rolled back: %1 No Service was switched; the new colour is scaled to 0.").arg(reason)
                  : tr("Rolled back: %1 No Service was switched, but the new colour could not be scaled down: %2")
                        .arg(reason, problem));
    });
}

void PromotionEngine::restoreOldColour(const QString &reason)
{
    if (!beginRollBack(reason))
        return;
    // The old colour takes the traffic back only once it is ready: scaled up first if it was
    // already scaled down.
    QList<int> replicas;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        replicas.append(planned.replicas);
    scaleAll(activeNames(), replicas, [this, reason](bool ok, const QString &problem) {
        if (!ok) {
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 The old colour could not be scaled back up (%2); the Services still serve the new colour.")
                       .arg(reason, problem));
            return;
        }
        auto waitOld = std::make_shared<std::function<void()>>();
        *waitOld = [this, reason, waitOld] {
            auto ready = std::make_shared<int>(0);
            forEachDeployment(
                activeNames(), [ready](const QJsonObject &d) { *ready += isRolledOut(d) ? 1 : 0; },
                [this, reason, ready, waitOld](bool) {
                    if (*ready == m_plan.services.size())
                        switchBack(int(m_plan.services.size()) - 1, reason, true);
                    else if (m_stepClock.elapsed() > qint64(m_options.readyTimeoutSeconds) * 1000)
                        finish(PromotionOutcome::Inconsistent,
                               tr("%1 The old colour did not become ready again; the Services still serve the new "
                                  "colour.")
                                   .arg(reason));
                    else
                        QTimer::singleShot(m_options.pollMs, this, [waitOld] { (*waitOld)(); });
                });
        };
        (*waitOld)();
    });
}

} // namespace Lucent::Core::Release
