#include "ui/manifests/applyflow.h"

#include "core/environment/environmentsession.h"
#include "core/validation/manifestjson.h"
#include "ui/rollout/confirmactiondialog.h"

#include <QFileInfo>
#include <QWidget>

namespace Lucent::Ui {

using Lucent::Core::Environment::EnvironmentSession;
using Lucent::Core::Kube::ApplyOutcome;
using Lucent::Core::Kube::ManifestApplier;
using Lucent::Core::Validation::ManifestObject;

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
                            const std::function<void(const QList<ApplyOutcome> &)> &then)
{
    if (!m_session || !m_session->client())
        return;
    QString error;
    const QList<ManifestObject> objects = Lucent::Core::Validation::manifestObjects(text, &error);
    const QString name = QFileInfo(file).fileName();
    if (!error.isEmpty()) {
        Q_EMIT said(tr("%1 cannot be sent: %2").arg(name, error), true);
        return;
    }
    if (objects.isEmpty()) {
        Q_EMIT said(tr("%1 holds no API objects (only a kustomization or comments); nothing to send.").arg(name),
                    false);
        return;
    }
    auto *applier = new ManifestApplier(m_session->client(), m_session->environment().namespaceName, this);
    m_applier = applier;
    connect(applier, &ManifestApplier::finished, this, [this, applier, then](const QList<ApplyOutcome> &outcomes) {
        applier->deleteLater();
        if (applier != m_applier)
            return; // the environment changed meanwhile
        m_applier = nullptr;
        Q_EMIT busyChanged();
        then(outcomes);
    });
    applier->start(objects, dryRun);
    Q_EMIT busyChanged();
    Q_EMIT said(dryRun ? tr("Asking the server for a dry run…") : tr("Applying…"), false);
}

void ManifestApplyFlow::diff(const QString &file, const QByteArray &text)
{
    run(file, text, true, [this](const QList<ApplyOutcome> &outcomes) {
        Q_EMIT outcomesReady(tr("Diff against %1 (server-side dry run; nothing was changed)").arg(environmentName()),
                             outcomes);
        Q_EMIT diffFinished();
    });
}

void ManifestApplyFlow::apply(const QString &file, const QByteArray &text)
{
    auto refuse = [this](const QString &sentence) {
        Q_EMIT said(sentence, true);
        Q_EMIT applyFinished();
    };
    if (!m_session)
        return;
    if (file.endsWith(QLatin1String(".template.yaml"))) {
        // Applying a template would replace the real values with its blanks.
        refuse(tr("%1 is a template: its values are blank on purpose. Create the real object from your secret store "
                  "instead (for example kubectl create secret generic … --from-literal=…).")
                   .arg(QFileInfo(file).fileName()));
        return;
    }
    // An object that names another namespace would change an environment other than the one
    // confirmed (possibly a protected one): apply it from that environment instead.
    const auto &env = m_session->environment();
    QString error;
    for (const auto &object : Lucent::Core::Validation::manifestObjects(text, &error)) {
        const bool isNamespace = object.kind() == QLatin1String("Namespace");
        const QString target = isNamespace ? object.name() : object.namespaceName();
        if (!target.isEmpty() && target != env.namespaceName) {
            refuse(tr("%1 (line %2) belongs to namespace %3, but %4 works in %5. Switch to the environment of %3 to "
                      "apply it, so that its confirmation is the one asked.")
                       .arg(object.displayName())
                       .arg(object.line)
                       .arg(target, env.name, env.namespaceName));
            return;
        }
    }
    // First the dry run: its diff is what the confirmation shows.
    run(file, text, true, [this, file, text](const QList<ApplyOutcome> &preview) { confirm(file, text, preview); });
}

void ManifestApplyFlow::confirm(const QString &file, const QByteArray &text, const QList<ApplyOutcome> &preview)
{
    const bool refused = std::any_of(preview.begin(), preview.end(),
                                     [](const ApplyOutcome &o) { return o.result == ApplyOutcome::Result::Failed; });
    if (refused || !m_session) {
        Q_EMIT outcomesReady(tr("The server refused the dry run; nothing was applied"), preview);
        Q_EMIT applyFinished();
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
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // What is applied is what was previewed, even if the editor changes meanwhile.
    connect(dialog, &QDialog::accepted, this, [this, file, text] {
        run(file, text, false, [this](const QList<ApplyOutcome> &outcomes) {
            Q_EMIT outcomesReady(tr("Applied to %1").arg(environmentName()), outcomes);
            Q_EMIT applyFinished();
        });
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        Q_EMIT said(tr("Apply cancelled; nothing was changed."), false);
        Q_EMIT applyFinished();
    });
    connect(dialog, &QDialog::finished, this, [this] { m_dialog = nullptr; });
    m_dialog = dialog;
    dialog->open();
}

} // namespace Lucent::Ui
