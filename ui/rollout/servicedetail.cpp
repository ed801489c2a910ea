#include "ui/rollout/servicedetail.h"

#include "core/environment/environmentsession.h"
#include "core/kube/labelselector.h"
#include "core/kube/podmetrics.h"
#include "core/kube/podstatus.h"
#include "core/kube/resourcecache.h"
#include "core/release/rolloutactions.h"
#include "core/release/serviceselection.h"
#include "ui/common/agetext.h"
#include "ui/common/itemroles.h"
#include "ui/common/usagedelegate.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Kube::ResourceCache;

namespace {

QJsonObject meta(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject();
}

QTreeWidget *makeTree(QWidget *parent, const QString &name, const QStringList &headers)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(name);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setAlternatingRowColors(true);
    tree->setUniformRowHeights(true);
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree->header()->setStretchLastSection(true);
    return tree;
}

} // namespace

ServiceDetail::ServiceDetail(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_revisions(makeTree(this, QStringLiteral("revisionsView"),
                           {tr("Revision"), tr("ReplicaSet"), tr("Image"), tr("Change cause")}))
    , m_pods(makeTree(this, QStringLiteral("podsView"),
                      {tr("Pod"), tr("Status"), tr("Ready"), tr("Restarts"), tr("CPU"), tr("Memory"), tr("Last state"),
                       tr("Node")}))
    , m_events(makeTree(this, QStringLiteral("eventsView"),
                        {tr("Type"), tr("Reason"), tr("Object"), tr("Age"), tr("Count"), tr("Message")}))
    , m_selector(new QLabel(this))
    , m_refresh(new QTimer(this))
{
    setObjectName(QStringLiteral("serviceDetail"));
    m_title->setObjectName(QStringLiteral("serviceDetailTitle"));
    m_selector->setObjectName(QStringLiteral("serviceSelector"));
    m_selector->setWordWrap(true);
    m_selector->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("serviceDetailTabs"));
    tabs->addTab(m_revisions, tr("History"));
    tabs->addTab(m_pods, tr("Pods"));
    tabs->addTab(m_events, tr("Conditions and events"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_selector);
    layout->addWidget(tabs, 1);
    auto *usage = new UsageDelegate(m_pods);
    m_pods->setItemDelegateForColumn(CpuColumn, usage);
    m_pods->setItemDelegateForColumn(MemoryColumn, usage);
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(150);
    connect(m_refresh, &QTimer::timeout, this, &ServiceDetail::refresh);
    refresh();
}

void ServiceDetail::setSession(Core::Environment::EnvironmentSession *session)
{
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    m_service.clear();
    auto hook = [this] {
        for (ResourceCache *cache : m_session->findChildren<ResourceCache *>()) {
            connect(cache, &ResourceCache::added, this, &ServiceDetail::scheduleRefresh);
            connect(cache, &ResourceCache::updated, this, &ServiceDetail::scheduleRefresh);
            connect(cache, &ResourceCache::removed, this, &ServiceDetail::scheduleRefresh);
            connect(cache, &ResourceCache::synced, this, &ServiceDetail::refresh); // a complete picture: at once
        }
        if (Core::Kube::PodMetrics *metrics = m_session->podMetrics())
            connect(metrics, &Core::Kube::PodMetrics::updated, this, &ServiceDetail::scheduleRefresh);
    };
    if (session && session->deployments())
        hook();
    else if (session)
        connect(session, &Core::Environment::EnvironmentSession::ready, this, hook);
    refresh();
}

void ServiceDetail::setService(const QString &name)
{
    m_service = name;
    refresh();
}

void ServiceDetail::scheduleRefresh()
{
    if (!m_service.isEmpty() && !m_refresh->isActive())
        m_refresh->start();
}

void ServiceDetail::refresh()
{
    m_revisions->clear();
    m_pods->clear();
    m_events->clear();
    const bool ready = m_session && m_session->deployments();
    const QJsonObject deployment
        = ready ? m_session->deployments()->object(m_session->environment().namespaceName, m_service) : QJsonObject();
    if (m_service.isEmpty() || deployment.isEmpty()) {
        m_title->setText(tr("Select a service to see its history, pods and events."));
        m_selector->clear();
        return;
    }
    m_title->setText(tr("<b>%1</b> in %2").arg(m_service.toHtmlEscaped(), m_session->environment().namespaceName));
    fillRevisions(deployment);
    fillPods(deployment);
    fillEvents(deployment);
    fillSelector();
}

void ServiceDetail::fillRevisions(const QJsonObject &deployment)
{
    if (!m_session->replicaSets())
        return;
    const auto revisions = Core::Release::RolloutActions::history(deployment, m_session->replicaSets()->objects());
    for (const Core::Release::Revision &revision : revisions) {
        auto *item = new QTreeWidgetItem(m_revisions,
                                         {QString::number(revision.number), revision.replicaSet,
                                          revision.images.join(QStringLiteral(", ")), revision.changeCause});
        item->setData(0, Qt::UserRole, revision.number);
    }
}

void ServiceDetail::fillPods(const QJsonObject &deployment)
{
    if (!m_session->pods())
        return;
    const QJsonObject selector = deployment.value(QLatin1String("spec"))
                                     .toObject()
                                     .value(QLatin1String("selector"))
                                     .toObject()
                                     .value(QLatin1String("matchLabels"))
                                     .toObject();
    for (const QJsonObject &pod : m_session->pods()->objects()) {
        if (!Core::Kube::selectorMatches(selector, meta(pod).value(QLatin1String("labels")).toObject()))
            continue;
        // What kubectl get pods says: CrashLoopBackOff, not the phase "Running" it has meanwhile.
        const auto status = Core::Kube::PodStatus::of(pod);
        auto *item = new QTreeWidgetItem(
            m_pods,
            {meta(pod).value(QLatin1String("name")).toString(), status.status,
             QStringLiteral("%1/%2").arg(status.readyContainers).arg(status.containers),
             QString::number(status.restarts), QString(), QString(), status.lastState,
             pod.value(QLatin1String("spec")).toObject().value(QLatin1String("nodeName")).toString()});
        item->setToolTip(
            1,
            tr("As kubectl get pods shows it; the phase is %1.")
                .arg(pod.value(QLatin1String("status")).toObject().value(QLatin1String("phase")).toString()));
        fillUsage(item, pod);
    }
    m_pods->sortItems(0, Qt::AscendingOrder);
}

void ServiceDetail::fillUsage(QTreeWidgetItem *item, const QJsonObject &pod) const
{
    const Core::Kube::PodMetrics *metrics = m_session->podMetrics();
    const QString name = meta(pod).value(QLatin1String("name")).toString();
    const Core::Kube::PodUsage *usage = metrics ? metrics->usage(name) : nullptr;
    if (!usage) {
        const QString why = !metrics || metrics->isAvailable()
            ? tr("No figures for this pod yet: metrics-server reports running pods every 15 seconds.")
            : tr("No figures: %1.").arg(metrics->unavailableReason());
        for (int column : {CpuColumn, MemoryColumn}) {
            item->setText(column, QStringLiteral("–"));
            item->setToolTip(column, why);
        }
        return;
    }
    QVariantList cpu;
    for (const auto &sample : metrics->history(name))
        cpu.append(double(sample.cpuMillicores));
    item->setText(CpuColumn, tr("%1m").arg(usage->cpuMillicores));
    item->setData(CpuColumn, UsageHistoryRole, cpu);
    item->setToolTip(CpuColumn, tr("CPU now, in millicores, and over the last %1 samples of 15 s.").arg(cpu.size()));
    item->setText(MemoryColumn, tr("%1 Mi").arg(usage->memoryBytes / (1024 * 1024)));
    // Against the containers' memory limits, where every container has one.
    qint64 limit = 0;
    bool limited = true;
    for (const auto &c : pod.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray()) {
        const QString quantity = c.toObject()
                                     .value(QLatin1String("resources"))
                                     .toObject()
                                     .value(QLatin1String("limits"))
                                     .toObject()
                                     .value(QLatin1String("memory"))
                                     .toString();
        const qint64 bytes = Core::Kube::memoryBytes(quantity);
        limited = limited && bytes > 0;
        limit += std::max<qint64>(bytes, 0);
    }
    if (limited && limit > 0) {
        item->setData(MemoryColumn, UsageFractionRole, double(usage->memoryBytes) / double(limit));
        item->setToolTip(MemoryColumn,
                         tr("%1 of the %2 Mi limit.")
                             .arg(QStringLiteral("%1%").arg(100 * usage->memoryBytes / limit))
                             .arg(limit / (1024 * 1024)));
    } else {
        item->setToolTip(MemoryColumn, tr("Memory now; the pod has no memory limit to compare it with."));
    }
}

void ServiceDetail::fillEvents(const QJsonObject &deployment)
{
    const QJsonArray conditions
        = deployment.value(QLatin1String("status")).toObject().value(QLatin1String("conditions")).toArray();
    for (const auto &value : conditions) {
        const QJsonObject c = value.toObject();
        new QTreeWidgetItem(
            m_events,
            {tr("Condition"),
             c.value(QLatin1String("type")).toString() + QLatin1Char('=') + c.value(QLatin1String("status")).toString(),
             c.value(QLatin1String("reason")).toString(),
             ageText(QDateTime::fromString(c.value(QLatin1String("lastUpdateTime")).toString(), Qt::ISODate)),
             QString(), c.value(QLatin1String("message")).toString()});
    }
    if (!m_session->events())
        return;
    // Events about the Deployment, its ReplicaSets and its pods: their names start with it.
    QList<QJsonObject> events;
    for (const QJsonObject &event : m_session->events()->objects()) {
        const QString object
            = event.value(QLatin1String("involvedObject")).toObject().value(QLatin1String("name")).toString();
        if (object == m_service || object.startsWith(m_service + QLatin1Char('-')))
            events.append(event);
    }
    // Newest first, by when each last happened (events.k8s.io-style events carry only eventTime).
    auto lastSeen = [](const QJsonObject &event) {
        const QString last = event.value(QLatin1String("lastTimestamp")).toString();
        return QDateTime::fromString(last.isEmpty() ? event.value(QLatin1String("eventTime")).toString() : last,
                                     Qt::ISODateWithMs);
    };
    std::sort(events.begin(), events.end(),
              [&lastSeen](const QJsonObject &a, const QJsonObject &b) { return lastSeen(a) > lastSeen(b); });
    for (const QJsonObject &event : events.mid(0, 50)) {
        new QTreeWidgetItem(
            m_events,
            {event.value(QLatin1String("type")).toString(), event.value(QLatin1String("reason")).toString(),
             event.value(QLatin1String("involvedObject")).toObject().value(QLatin1String("name")).toString(),
             ageText(lastSeen(event)), QString::number(std::max(1, event.value(QLatin1String("count")).toInt())),
             event.value(QLatin1String("message")).toString()});
    }
}

void ServiceDetail::fillSelector()
{
    if (!m_session->services() || !m_session->pods()) {
        m_selector->clear();
        return;
    }
    if (!m_session->services()->isSynced() || !m_session->pods()->isSynced()) {
        m_selector->setText(tr("Loading the Service and its pods…"));
        return;
    }
    const auto selection
        = Core::Release::serviceSelection(m_service, m_session->services()->objects(), m_session->pods()->objects());
    if (!selection.serviceFound) {
        m_selector->setText(tr("No Service named %1 selects this Deployment's pods.").arg(m_service));
        return;
    }
    m_selector->setText(
        selection.pods.isEmpty()
            ? tr("Service selector %1 selects no pods: the service has no endpoints.").arg(selection.selectorText())
            : tr("Service selector %1 selects %n pod(s): %2", nullptr, int(selection.pods.size()))
                  .arg(selection.selectorText(), selection.pods.join(QStringLiteral(", "))));
}

} // namespace Lucent::Ui
