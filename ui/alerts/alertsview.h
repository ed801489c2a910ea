#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;
class QTimer;
class QTreeWidget;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class AlertsModel;
class InlineBanner;
class SilencesPanel;

/// The environment's alerts from its Prometheus, as a tree grouped by service, with a filter;
/// below them the rules and, with an Alertmanager, its silences. An unreachable Prometheus
/// shows in a banner; nothing else in the console waits on it.
class AlertsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsView)

public:
    explicit AlertsView(QWidget *parent = nullptr);

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    AlertsModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    SilencesPanel *silences() const { return m_silences; }

private:
    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    AlertsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeView *m_view = nullptr;
    QPushButton *m_silenceButton = nullptr;
    SilencesPanel *m_silences = nullptr;
    InlineBanner *m_banner = nullptr;
    QLabel *m_emptyState = nullptr;
    QTreeWidget *m_rules = nullptr;
    QTimer *m_rulesTimer = nullptr;
    int m_generation = 0;

    void fetchRules();
    void updateSilenceButton();
    void silenceSelected();
};

} // namespace Lucent::Ui
