#pragma once

#include "core/release/rolloutactions.h"
#include "ui/rollout/confirmactiondialog.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class InlineBanner;
class ServiceDetail;
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

Q_SIGNALS:
    /// A mutating action ended: @p ok, with the sentence shown in the banner.
    void actionFinished(bool ok, const QString &sentence);
    /// The user asked for the logs of @p source ("deployment/NAME").
    void logsRequested(const QString &source);

private:
    void onSessionReady();
    void checkPermissions();
    void updateButtons();
    QString currentService() const;
    void onRestart();
    void onScale();
    void onPauseResume();
    void onUndo();
    void confirmThen(ConfirmActionDialog *dialog, std::function<void()> action);
    void runPatch(const QString &what, Lucent::Core::Release::RolloutAction action, Lucent::Core::Kube::PatchType type,
                  const QByteArray &patch);

    struct Permission {
        bool known = false;
        bool allowed = false;
        QString reason;
    };

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    ServicesTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QTableView *m_view = nullptr;
    ServiceDetail *m_detail = nullptr;
    InlineBanner *m_banner = nullptr;
    QLabel *m_permissionNote = nullptr;
    QPushButton *m_restart = nullptr;
    QPushButton *m_scale = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_undo = nullptr;
    QPointer<ConfirmActionDialog> m_dialog;
    QHash<int, Permission> m_permissions; ///< by RolloutAction
};

} // namespace Lucent::Ui
