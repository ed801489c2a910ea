#pragma once

#include "core/apply/manifestapplier.h"

#include <QObject>
#include <QPointer>

#include <functional>

class QWidget;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class ConfirmActionDialog;

/// Diff and apply of one manifest file against the environment's cluster: the guards that
/// come before anything is sent (templates, other environments' namespaces), the server-side
/// dry run, the confirmation with its diff, and the real requests. When the dry run meets
/// fields other managers own, it asks first whether to take them over (typing the environment's
/// name on a protected one), runs the dry run again with force, and only then asks for the
/// apply. It says what happened through signals; the Manifests tab shows it.
class ManifestApplyFlow final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestApplyFlow)

public:
    explicit ManifestApplyFlow(QWidget *dialogParent);
    ~ManifestApplyFlow() override;

    /// Drops what was under way for the previous environment, and its open confirmation.
    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    bool isBusy() const;
    ConfirmActionDialog *pendingDialog() const { return m_dialog; }

    void diff(const QString &file, const QByteArray &text);
    void apply(const QString &file, const QByteArray &text);

Q_SIGNALS:
    void said(const QString &sentence, bool error);
    void outcomesReady(const QString &title, const QList<Lucent::Core::Apply::ApplyOutcome> &outcomes);
    void busyChanged();
    void diffFinished();
    void applyFinished();

private:
    void run(const QString &file, const QByteArray &text, bool dryRun,
             const std::function<void(const QList<Lucent::Core::Apply::ApplyOutcome> &)> &then, bool force = false);
    void confirm(const QString &file, const QByteArray &text, const QList<Lucent::Core::Apply::ApplyOutcome> &preview,
                 bool force);
    void offerForce(const QString &file, const QByteArray &text,
                    const QList<Lucent::Core::Apply::ApplyOutcome> &preview);
    void openDialog(ConfirmActionDialog *dialog, const std::function<void()> &accepted,
                    const std::function<void()> &rejected);
    QString environmentName() const;

    QWidget *m_dialogParent = nullptr;
    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QPointer<Lucent::Core::Apply::ManifestApplier> m_applier;
    QPointer<ConfirmActionDialog> m_dialog;
};

} // namespace Lucent::Ui
