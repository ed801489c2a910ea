#include "ui/alerts/alertsview.h"

#include "core/environment/environmentsession.h"
#include "core/prometheus/alertpoller.h"
#include "ui/alerts/alertsmodel.h"
#include "ui/itemroles.h"
#include "ui/shell/inlinebanner.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Prometheus::AlertPoller;

AlertsView::AlertsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new AlertsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_banner(new InlineBanner(this))
    , m_emptyState(new QLabel(this))
{
    setObjectName(QStringLiteral("alertsView"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("alertFilter"));
    m_filter->setPlaceholderText(tr("Filter alerts, services, pods…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_view->setObjectName(QStringLiteral("alertsTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AlertsModel::ServiceColumn, Qt::AscendingOrder); // grouped by service
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_emptyState->setObjectName(QStringLiteral("alertsEmptyState"));
    m_emptyState->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_filter);
    layout->addWidget(m_emptyState);
    layout->addWidget(m_view, 1);
    setSession(nullptr);
}

void AlertsView::setSession(Core::Environment::EnvironmentSession *session)
{
    if (m_session && m_session->alerts())
        m_session->alerts()->disconnect(this);
    m_session = session;
    m_model->clear();
    m_banner->clear();
    AlertPoller *poller = session ? session->alerts() : nullptr;
    if (!poller) {
        m_emptyState->setText(session ? tr("%1 names no Prometheus. Add 'prometheus: URL' to the environment in "
                                           "lucent.yaml to see its alerts.")
                                            .arg(session->environment().name)
                                      : QString());
        m_emptyState->setVisible(session != nullptr);
        return;
    }
    auto update = [this, poller] {
        m_banner->clear();
        m_model->setAlerts(poller->alerts());
        m_emptyState->setText(tr("No alerts are firing or pending in %1.").arg(m_session->environment().name));
        m_emptyState->setVisible(poller->hasAnswered() && poller->alerts().isEmpty());
    };
    connect(poller, &AlertPoller::alertsChanged, this, update);
    connect(poller, &AlertPoller::failed, this, [this](const Core::Prometheus::PrometheusError &error) {
        m_banner->showMessages(InlineBanner::Severity::Error, {error.sentence()});
    });
    if (poller->hasAnswered())
        update();
    else
        m_emptyState->hide();
    if (poller->lastError().isError())
        m_banner->showMessages(InlineBanner::Severity::Error, {poller->lastError().sentence()});
}

} // namespace Lucent::Ui
