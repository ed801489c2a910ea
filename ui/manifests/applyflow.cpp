#include "ui/manifests/applyflow.h"

#include "core/apply/applyguards.h"
#include "core/environment/environmentsession.h"
#include "ui/common/confirmactiondialog.h"

#include <QFileInfo>
#include <QWidget>

namespace Lucent::Ui {

using Lucent::Core::Apply::ApplyOutcome;
using Lucent::Core::Apply::ApplyPlan;
using Lucent::Core::Apply::ManifestApplier;
using Lucent::Core::Environment::EnvironmentSession;

ManifestApplyFlow::ManifestApplyFlow(QWidget *dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
{
}

ManifestApplyFlow::~ManifestApplyFlow() = default;

void ManifestApplyFlow::setSession(EnvironmentSession *session)
{
    if (m_dialog)
        m_dialog->reject(); // a confirmation belongs to the environment it was asked for
    if (m_applier)
        m_applier->deleteLater();
    m_applier = nullptr;
    m_session = session;
    Q_EMIT busyChanged();
}

bool ManifestApplyFlow::isBusy() const
{
    return m_applier && m_applier->isRunning();
}

QString ManifestApplyFlow::environmentName() const
{
    return m_session ? m_session->environment().name : QString();
}

void ManifestApplyFlow::run(const QString &file, const QByteArray &text, bool dryRun,
                            const std::function<void(const QList<ApplyOutcome> &)> &then, bool force)
{
    if (!m_session || !m_session->client())
        return;
    const auto &env = m_session->environment();
    const ApplyPlan plan = Lucent::Core::Apply::planApply(file, text, env.name, env.namespaceName, !dryRun);
    if (!plan.canSend()) {
        Q_EMIT said(plan.sentence, plan.verdict == ApplyPlan::Verdict::Refused);
        if (!dryRun)
            Q_EMIT applyFinished();
        return;
    }
    auto *applier = new ManifestApplier(m_session->client(), env.namespaceName, this);
    applier->setAuditTrail(m_session->audit());
    m_applier = applier;
    connect(applier, &ManifestApplier::finished, this, [this, applier, then](const QList<ApplyOutcome> &outcomes) {
        applier->deleteLater();
        if (applier != m_applier)
            return; // the environment changed meanwhile
        m_applier = nullptr;
        Q_EMIT busyChanged();
        then(outcomes);
    });
    applier->start(plan.objects, dryRun, force);
    Q_EMIT busyChanged();
    Q_EMIT said(dryRun ? tr("Asking the server for a dry run…") : tr("Applying…"), false);
}

void ManifestApplyFlow::diff(const QString &file, const QByteArray &text)
{
    const auto show = [this](const QList<ApplyOutcome> &outcomes) {
        Q_EMIT outcomesReady(tr("Diff against %1 (server-side dry run; nothing was changed)").arg(environmentName()),
                             outcomes);
        Q_EMIT diffFinished();
    };
    run(file, text, true, [this, file, text, show](const QList<ApplyOutcome> &plain) {
        const bool conflicts = std::any_of(plain.begin(), plain.end(), [](const ApplyOutcome &o) {
            return o.result == ApplyOutcome::Result::Conflict;
        });
        if (!conflicts || !m_session)
            return show(plain);
        // What would change if the fields were taken over, and from whom: a second dry run with
        // force, carrying the first one's conflicts.
        run(
            file, text, true,
            [plain, show](QList<ApplyOutcome> forced) {
                for (int i = 0; i < forced.size() && i < plain.size(); ++i)
                    forced[i].conflicts = plain[i].conflicts;
                show(forced);
            },
            true);
    });
}

void ManifestApplyFlow::apply(const QString &file, const QByteArray &text)
{
    if (!m_session || !m_session->client())
        return;
    // The guards of a real apply come before its dry run, so that a refused file is not even
    // previewed as if it could be applied.
    const auto &env = m_session->environment();
    const ApplyPlan plan = Lucent::Core::Apply::planApply(file, text, env.name, env.namespaceName, true);
    if (!plan.canSend()) {
        Q_EMIT said(plan.sentence, plan.verdict == ApplyPlan::Verdict::Refused);
        Q_EMIT applyFinished();
        return;
    }
    // First the dry run: its diff is what the confirmation shows.
    run(file, text, true,
        [this, file, text](const QList<ApplyOutcome> &preview) { confirm(file, text, preview, false); });
}

void ManifestApplyFlow::confirm(const QString &file, const QByteArray &text, const QList<ApplyOutcome> &preview,
                                bool force)
{
    auto has = [&preview](ApplyOutcome::Result result) {
        return std::any_of(preview.begin(), preview.end(),
                           [result](const ApplyOutcome &o) { return o.result == result; });
    };
    if (has(ApplyOutcome::Result::Failed) || !m_session) {
        Q_EMIT outcomesReady(tr("The server refused the dry run; nothing was applied"), preview);
        Q_EMIT applyFinished();
        return;
    }
    if (has(ApplyOutcome::Result::Conflict)) {
        offerForce(file, text, preview);
        return;
    }
    const auto &env = m_session->environment();
    QStringList details;
    int changes = 0;
    for (const auto &o : preview) {
        details.append(o.message);
        if (!o.diff.isEmpty())
            details.append(o.diff);
        changes += o.result != ApplyOutcome::Result::Unchanged;
    }
    auto *dialog = new ConfirmActionDialog(
        tr("Apply Manifests"),
        tr("Apply %1 from %2 to %3 (namespace %4)? The server's dry run says %5 would change.")
            .arg(preview.size() == 1 ? tr("1 object") : tr("%1 objects").arg(preview.size()),
                 QFileInfo(file).fileName(), env.name, env.namespaceName)
            .arg(changes),
        env.name, env.isProtected, m_dialogParent);
    dialog->setDetails(details.join(QLatin1Char('\n')));
    // What is applied is what was previewed, even if the editor changes meanwhile.
    openDialog(
        dialog,
        [this, file, text, force] {
            run(
                file, text, false,
                [this](const QList<ApplyOutcome> &outcomes) {
                    Q_EMIT outcomesReady(tr("Applied to %1").arg(environmentName()), outcomes);
                    Q_EMIT applyFinished();
                },
                force);
        },
        [this] {
            Q_EMIT said(tr("Apply cancelled; nothing was changed."), false);
            Q_EMIT applyFinished();
        });
}

void ManifestApplyFlow::offerForce(const QString &file, const QByteArray &text, const QList<ApplyOutcome> &preview)
{
    if (const QString refusal = Lucent::Core::Apply::promotionFieldsRefusal(preview); !refusal.isEmpty()) {
        Q_EMIT outcomesReady(refusal, preview); // nothing was applied
        Q_EMIT applyFinished();
        return;
    }
    const auto &env = m_session->environment();
    QStringList details;
    int fields = 0;
    for (const auto &o : preview) {
        for (const auto &c : o.conflicts)
            details.append(tr("%1 %2: owned by %3").arg(o.object, c.field, c.manager));
        fields += int(o.conflicts.size());
    }
    auto *dialog = new ConfirmActionDialog(
        tr("Take Over Fields"),
        tr("%1 of %2 belong to other field managers in %3 (namespace %4), with other values. Take them over for "
           "lucent-console? Their next apply will conflict in turn. Nothing changes yet: the dry run is asked "
           "again, and the apply itself is confirmed after.")
            .arg(fields == 1 ? tr("1 field") : tr("%1 fields").arg(fields), QFileInfo(file).fileName(), env.name,
                 env.namespaceName),
        env.name, env.isProtected, m_dialogParent);
    dialog->setDetails(details.join(QLatin1Char('\n')));
    openDialog(
        dialog,
        [this, file, text] {
            run(
                file, text, true,
                [this, file, text](const QList<ApplyOutcome> &forced) { confirm(file, text, forced, true); }, true);
        },
        [this, preview] {
            Q_EMIT outcomesReady(tr("Other field managers own fields this file changes; nothing was applied"), preview);
            Q_EMIT applyFinished();
        });
}

void ManifestApplyFlow::openDialog(ConfirmActionDialog *dialog, const std::function<void()> &accepted,
                                   const std::function<void()> &rejected)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, accepted);
    connect(dialog, &QDialog::rejected, this, rejected);
    connect(dialog, &QDialog::finished, this, [this] { m_dialog = nullptr; });
    m_dialog = dialog;
    dialog->open();
}

} // namespace Lucent::Ui
