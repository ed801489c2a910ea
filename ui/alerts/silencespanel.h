#pragma once

#include "core/prometheus/alertmanager.h"
#include "ui/common/confirmactiondialog.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace Lucent::Core::Alerting {
class SilenceOperations;
}

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class InlineBanner;

/// The environment's Alertmanager silences (those that can apply to its namespace): listed every 15 s, created from a
/// form (or from an alert's labels) and expired, each after a confirmation that asks for the environment's name when it
/// is protected. A failed creation reopens the form with what was typed.
class SilencesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SilencesPanel)

public:
    explicit SilencesPanel(QWidget *parent = nullptr);

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    /// Opens the new-silence form filled with @p draft (matchers from an alert, say).
    void createSilence(const Lucent::Core::Prometheus::Silence &draft);
    void refresh();
    const QList<Lucent::Core::Prometheus::Silence> &silences() const { return m_silences; }
    /// The confirmation on screen, if any (for tests and for rejecting it on a switch).
    ConfirmActionDialog *pendingDialog() const { return m_dialog; }
    QString bannerText() const;

Q_SIGNALS:
    void silencesChanged(const QList<Lucent::Core::Prometheus::Silence> &silences);

private:
    void expireSelected();
    void showSilences();
    void onChanged(bool ok, const QString &sentence, const Lucent::Core::Prometheus::Silence &silence);

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QList<Lucent::Core::Prometheus::Silence> m_silences;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_expire = nullptr;
    QCheckBox *m_showExpired = nullptr;
    QLabel *m_emptyState = nullptr;
    InlineBanner *m_banner = nullptr;
    QTimer *m_timer = nullptr;
    QPointer<ConfirmActionDialog> m_dialog;
    Lucent::Core::Alerting::SilenceOperations *m_operations = nullptr;
    bool m_listFailed = false; ///< the banner shows why the list failed
};

} // namespace Lucent::Ui
