#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTimer;
class QTreeWidget;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class AlertsModel;
class InlineBanner;

/// The environment's alerts from its Prometheus, grouped by service (sorted by it), with a
/// filter. An unreachable Prometheus shows in a banner; nothing else in the console waits on it.
class AlertsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsView)

public:
    explicit AlertsView(QWidget *parent = nullptr);

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    AlertsModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

private:
    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    AlertsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QTableView *m_view = nullptr;
    InlineBanner *m_banner = nullptr;
    QLabel *m_emptyState = nullptr;
    QTreeWidget *m_rules = nullptr;
    QTimer *m_rulesTimer = nullptr;
    int m_generation = 0;

    void fetchRules();
};

} // namespace Lucent::Ui
