#pragma once

#include "core/release/promotionjournal.h"

#include "core/release/rolloutoperation.h"
#include "ui/common/confirmactiondialog.h"

#include <functional>
#include <optional>

#include <QPointer>
#include <QWidget>

class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Core::Release {
class ActionPermissions;
class OperationRunner;
struct OperationResult;
} // namespace Lucent::Core::Release

namespace Lucent::Ui {

class FrozenColumnTableView;
class InlineBanner;
class ServiceDetail;
class SelectionKeeper;
class ServicesTableModel;

/// One environment's rollouts: the services table with a filter, the selected service's
/// detail, and the actions (restart, scale, pause/resume, undo), each checked with a
/// SelfSubjectAccessReview first and confirmed before it runs.
class RolloutDashboard final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RolloutDashboard)

public:
    explicit RolloutDashboard(QWidget *parent = nullptr);

    /// Shows @p session (not owned); nullptr shows nothing.
    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    ServicesTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    /// The dialog of the action in progress, for tests and keyboard users.
    ConfirmActionDialog *pendingDialog() const { return m_dialog; }
    /// The selected row's Service; empty without a selection.
    QString currentService() const;
    /// The warning shown while the environment's cluster is reached without TLS verification.
    QString tlsWarningText() const;

Q_SIGNALS:
    /// A mutating action ended: @p ok, with the sentence shown in the banner.
    void actionFinished(bool ok, const QString &sentence);
    /// The user asked for the logs of @p source ("deployment/NAME").
    void logsRequested(const QString &source);
    /// The user wants to resume or roll back the interrupted (or paused) promotion of @p journal.
    void promotionRecoveryRequested(const Lucent::Core::Release::PromotionJournal &journal);

private:
    void onSessionReady();
    void updateButtons();
    void updatePromotionNotice();
    /// Points the detail at the selected Service's Deployment of the live colour, when either
    /// changed: the Deployment may be listed, created or switched after the row was chosen.
    void showDetail();
    /// The selected service's Deployment of the live colour: what the actions act on.
    QString currentDeployment() const;
    /// The selected Deployment as the cache has it now: what a question is about.
    Lucent::Core::Release::OperationTarget currentTarget() const;
    bool askable(const Lucent::Core::Release::OperationTarget &target);
    bool isRunning() const;
    void onRestart();
    void onScale();
    void onPauseResume();
    void onUndo();
    /// Opens @p dialog; on acceptance runs what @p operation builds from the values
    /// captured when asking (and the dialog's inputs), never from the current selection.
    void confirmThen(ConfirmActionDialog *dialog, std::function<Lucent::Core::Release::RolloutOperation()> operation);
    void run(const Lucent::Core::Release::RolloutOperation &operation);
    /// After a restart or undo started: says "done" once the Deployment's rollout of that
    /// generation is Complete (or that it failed), not when the request was accepted.
    void followRollout(const Lucent::Core::Release::OperationResult &result);
    void checkFollowedRollout();

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    ServicesTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    SelectionKeeper *m_keeper = nullptr; ///< made before the view gets the proxy: it must hear first
    QLineEdit *m_filter = nullptr;
    FrozenColumnTableView *m_view = nullptr;
    ServiceDetail *m_detail = nullptr;
    InlineBanner *m_banner = nullptr;
    InlineBanner *m_tlsWarning = nullptr; ///< stays while the environment is shown
    /// An interrupted or paused promotion in this environment, and the way to finish it.
    QFrame *m_promotionNotice = nullptr;
    QLabel *m_promotionNoticeText = nullptr;
    QLabel *m_permissionNote = nullptr;
    QPushButton *m_restart = nullptr;
    QPushButton *m_scale = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_undo = nullptr;
    QPointer<ConfirmActionDialog> m_dialog;
    Lucent::Core::Release::ActionPermissions *m_permissions = nullptr;
    QPointer<Lucent::Core::Release::OperationRunner> m_runner; ///< owned by the session it acts in
    struct FollowedRollout {
        QString deployment;
        QString uid;
        QString summary; ///< "restart"
        qint64 generation = 0;
    };
    std::optional<FollowedRollout> m_followed;
};

} // namespace Lucent::Ui
