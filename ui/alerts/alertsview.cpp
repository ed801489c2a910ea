#include "ui/alerts/alertsview.h"

#include "core/environment/environmentsession.h"
#include "core/prometheus/alertpoller.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "ui/alerts/alertsmodel.h"
#include "ui/alerts/silencespanel.h"
#include "ui/common/inlinebanner.h"
#include "ui/common/itemroles.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Prometheus::AlertPoller;

AlertsView::AlertsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new AlertsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_silenceButton(new QPushButton(tr("Silence…"), this))
    , m_silences(new SilencesPanel(this))
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
    // A service that matches shows all its alerts; an alert that matches shows under its service.
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_filter->setObjectName(QStringLiteral("alertFilter"));
    m_filter->setPlaceholderText(tr("Filter alerts, services, pods…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_view->setObjectName(QStringLiteral("alertsTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AlertsModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformRowHeights(true);
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(true);
    // Services open as they appear: the alerts are the point, not the grouping.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, m_view, [this](const QModelIndex &parent, int first, int last) {
        if (!parent.isValid()) {
            for (int row = first; row <= last; ++row)
                m_view->expand(m_proxy->index(row, 0));
        }
    });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, m_view, &QTreeView::expandAll);
    m_silenceButton->setObjectName(QStringLiteral("silenceAlertButton"));
    m_silenceButton->setToolTip(tr("Silence the selected alert, or every alert of the selected service, in "
                                   "Alertmanager"));
    m_silenceButton->setEnabled(false);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AlertsView::updateSilenceButton);
    connect(m_silenceButton, &QPushButton::clicked, this, &AlertsView::silenceSelected);
    connect(m_silences, &SilencesPanel::silencesChanged, m_model, &AlertsModel::setSilences);
    m_emptyState->setObjectName(QStringLiteral("alertsEmptyState"));
    m_emptyState->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    auto *tools = new QHBoxLayout;
    tools->addWidget(m_filter, 1);
    tools->addWidget(m_silenceButton);
    layout->addLayout(tools);
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
    auto *below = new QTabWidget(this);
    below->setObjectName(QStringLiteral("alertsBelowTabs"));
    below->addTab(m_silences, tr("Silences"));
    below->addTab(m_rules, tr("Rules"));
    splitter->addWidget(m_view);
    splitter->addWidget(below);
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
    m_silences->setSession(session);
    m_silenceButton->setEnabled(false);
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
        updateSilenceButton();
    };
    connect(poller, &AlertPoller::alertsChanged, this, update);
    connect(poller, &AlertPoller::failed, this, [this](const Core::Prometheus::PrometheusError &error) {
        m_banner->showMessages(InlineBanner::Severity::Error, {error.sentence()});
        m_model->setStale(QDateTime::currentDateTime()); // what is listed is no longer confirmed
    });
    fetchRules();
    m_rulesTimer->start();
    if (poller->hasAnswered())
        update();
    else
        m_emptyState->hide();
    if (poller->lastError().isError()) {
        m_banner->showMessages(InlineBanner::Severity::Error, {poller->lastError().sentence()});
        m_model->setStale(QDateTime::currentDateTime());
    }
}

void AlertsView::updateSilenceButton()
{
    m_silenceButton->setEnabled(m_session && m_session->alertmanager() && m_view->currentIndex().isValid());
}

void AlertsView::silenceSelected()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex().siblingAtColumn(0));
    if (!current.isValid() || !m_session)
        return;
    // An alert: its name, namespace and service. A service row: every alert of that service.
    using Core::Prometheus::SilenceMatcher;
    Core::Prometheus::Silence draft;
    const QVariantMap labels = current.data(AlertsModel::LabelsRole).toMap();
    const QString ns = labels.value(QStringLiteral("namespace"), m_session->environment().namespaceName).toString();
    if (!ns.isEmpty())
        draft.matchers.append({QStringLiteral("namespace"), ns, false, true});
    if (!labels.isEmpty()) {
        draft.matchers.prepend(
            {QStringLiteral("alertname"), labels.value(QStringLiteral("alertname")).toString(), false, true});
        for (const char *key : {"app", "service"}) {
            if (labels.contains(QLatin1String(key)))
                draft.matchers.append({QLatin1String(key), labels.value(QLatin1String(key)).toString(), false, true});
        }
    } else {
        const QString group = current.data(AlertsModel::GroupRole).toString();
        if (group != ns)
            draft.matchers.append({QStringLiteral("app"), group, false, true});
    }
    m_silences->createSilence(draft);
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
            // A rule's state is this environment's: firing elsewhere is inactive here.
            const QString state = rule.type == QLatin1String("alerting")
                ? Core::Prometheus::AlertPoller::stateInScope(rule, m_session->alerts()->scope())
                : rule.type;
            auto *item = new QTreeWidgetItem(m_rules, {rule.name, rule.group, rule.health, state, rule.lastError});
            if (rule.health == QLatin1String("err"))
                item->setForeground(2, QBrush(QColor(0xd1, 0x3b, 0x3b)));
            item->setToolTip(0, rule.query);
        }
    });
}

} // namespace Lucent::Ui
