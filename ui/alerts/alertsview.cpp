#include "ui/alerts/alertsview.h"

#include "core/environment/environmentsession.h"
#include "core/prometheus/alertpoller.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "ui/alerts/alertsmodel.h"
#include "ui/itemroles.h"
#include "ui/shell/inlinebanner.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
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
    , m_rules(new QTreeWidget(this))
    , m_rulesTimer(new QTimer(this))
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
    // The rules below the alerts: their health and last evaluation error say whether silence
    // means "all is well" or "the rule is broken".
    m_rules->setObjectName(QStringLiteral("rulesTable"));
    m_rules->setHeaderLabels({tr("Rule"), tr("Group"), tr("Health"), tr("State"), tr("Last error")});
    m_rules->setRootIsDecorated(false);
    m_rules->setAlternatingRowColors(true);
    m_rules->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rules->header()->setStretchLastSection(true);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_rules);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    m_rulesTimer->setInterval(15000);
    connect(m_rulesTimer, &QTimer::timeout, this, &AlertsView::fetchRules);
    setSession(nullptr);
}

void AlertsView::setSession(Core::Environment::EnvironmentSession *session)
{
    if (m_session && m_session->alerts())
        m_session->alerts()->disconnect(this);
    m_session = session;
    ++m_generation;
    m_model->clear();
    m_rules->clear();
    m_rulesTimer->stop();
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
    fetchRules();
    m_rulesTimer->start();
    if (poller->hasAnswered())
        update();
    else
        m_emptyState->hide();
    if (poller->lastError().isError())
        m_banner->showMessages(InlineBanner::Severity::Error, {poller->lastError().sentence()});
}

void AlertsView::fetchRules()
{
    if (!m_session || !m_session->prometheus())
        return;
    auto *reply = m_session->prometheus()->rules();
    const int generation = m_generation;
    connect(reply, &Core::Prometheus::PrometheusReply::finished, this, [this, reply, generation] {
        if (generation != m_generation)
            return;
        Core::Prometheus::PrometheusError error = reply->error();
        std::optional<QList<Core::Prometheus::Rule>> rules;
        if (!error.isError())
            rules = Core::Prometheus::PrometheusResponse::rules(reply->body(), reply->httpStatus(), &error);
        if (!rules)
            return; // the alert poller reports an unreachable Prometheus already
        m_rules->clear();
        for (const auto &rule : *rules) {
            auto *item = new QTreeWidgetItem(m_rules,
                                             {rule.name, rule.group, rule.health,
                                              rule.type == QLatin1String("alerting") ? rule.state : rule.type,
                                              rule.lastError});
            if (rule.health == QLatin1String("err"))
                item->setForeground(2, QBrush(QColor(0xd1, 0x3b, 0x3b)));
            item->setToolTip(0, rule.query);
        }
    });
}

} // namespace Lucent::Ui
