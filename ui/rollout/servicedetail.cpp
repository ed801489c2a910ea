#include "ui/rollout/servicedetail.h"

#include "core/environment/environmentsession.h"
#include "core/jobs/latestjob.h"
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

// When an event last happened (events.k8s.io-style events carry only eventTime).
QDateTime lastSeen(const QJsonObject &event)
{
    const QString last = event.value(QLatin1String("lastTimestamp")).toString();
    return QDateTime::fromString(last.isEmpty() ? event.value(QLatin1String("eventTime")).toString() : last,
                                 Qt::ISODateWithMs);
}

// The 50 newest events about the Deployment @p service, its ReplicaSets and its pods: their
// names start with it.
QList<QJsonObject> eventsAbout(const QString &service, const QHash<QString, QJsonObject> &all)
{
    QList<QJsonObject> events;
    for (const QJsonObject &event : all) {
        const QString object
            = event.value(QLatin1String("involvedObject")).toObject().value(QLatin1String("name")).toString();
        if (object == service || object.startsWith(service + QLatin1Char('-')))
            events.append(event);
    }
    std::sort(events.begin(), events.end(),
              [](const QJsonObject &a, const QJsonObject &b) { return lastSeen(a) > lastSeen(b); });
    return events.mid(0, 50);
}

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
    , m_podScan(std::make_unique<Core::Jobs::LatestJob<Scan>>(this))
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

ServiceDetail::~ServiceDetail() = default;

void ServiceDetail::setSession(Core::Environment::EnvironmentSession *session)
{
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    m_service.clear();
    m_serviceName.clear();
    auto hook = [this] {
        for (ResourceCache *cache : m_session->findChildren<ResourceCache *>()) {
            auto changed = [this, cache](const QJsonObject &object) {
                if (concerns(cache, object))
                    scheduleRefresh();
            };
            connect(cache, &ResourceCache::added, this, changed);
            connect(cache, &ResourceCache::updated, this,
                    [changed](const QJsonObject &previous, const QJsonObject &current) {
                        changed(previous); // labels may have changed: either side may matter
                        changed(current);
                    });
            connect(cache, &ResourceCache::removed, this, changed);
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

void ServiceDetail::setService(const QString &deployment, const QString &service)
{
    m_service = deployment;
    m_serviceName = service;
    m_matchLabels = {};
    refresh();
}

void ServiceDetail::scheduleRefresh()
{
    if (!m_service.isEmpty() && !m_refresh->isActive())
        m_refresh->start();
}

bool ServiceDetail::concerns(const ResourceCache *cache, const QJsonObject &object) const
{
    if (m_service.isEmpty() || !m_session)
        return false;
    const QJsonObject metadata = meta(object);
    if (cache == m_session->pods() || cache == m_session->replicaSets()) {
        // Pods and ReplicaSets carry the pod template's labels, which the selector matches.
        return m_matchLabels.isEmpty()
            || Core::Kube::selectorMatches(m_matchLabels, metadata.value(QLatin1String("labels")).toObject());
    }
    if (cache == m_session->events()) {
        const QString name
            = object.value(QLatin1String("involvedObject")).toObject().value(QLatin1String("name")).toString();
        return name == m_service || name.startsWith(m_service + QLatin1Char('-'));
    }
    return metadata.value(QLatin1String("name")).toString() == m_service; // the Deployment, Service, ...
}

void ServiceDetail::refresh()
{
    m_revisions->clear();
    m_events->clear(); // the pods stay until their new list is ready
    const bool ready = m_session && m_session->deployments();
    const QJsonObject deployment
        = ready ? m_session->deployments()->object(m_session->environment().namespaceName, m_service) : QJsonObject();
    if (m_service.isEmpty() || deployment.isEmpty()) {
        m_podScan->cancel();
        m_pods->clear();
        if (m_serviceName.isEmpty() || !m_session)
            m_title->setText(tr("Select a service to see its history, pods and events."));
        else
            m_title->setText(tr("<b>%1</b> in %2: no Deployment of its live colour is known yet.")
                                 .arg(m_serviceName.toHtmlEscaped(), m_session->environment().namespaceName));
        m_selector->clear();
        return;
    }
    m_title->setText(tr("<b>%1</b> in %2").arg(m_service.toHtmlEscaped(), m_session->environment().namespaceName));
    fillRevisions(deployment);
    fillPods(deployment);
    fillEvents(deployment);
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
    m_matchLabels = selector;
    // The pods, the Service's selection and the events are picked out on a worker: in a
    // namespace of ten thousand pods each scan took a tenth of a second of the GUI thread.
    // The copies of the caches' tables are free (shared until written).
    const bool selectionKnown
        = m_session->services() && m_session->services()->isSynced() && m_session->pods()->isSynced();
    m_podScan->start(
        [pods = m_session->pods()->objectsByKey(),
         services = m_session->services() ? m_session->services()->objects() : QList<QJsonObject>(),
         events = m_session->events() ? m_session->events()->objectsByKey() : QHash<QString, QJsonObject>(), selector,
         service = m_service, selectionKnown](QPromise<Scan> &promise) {
            Scan scan;
            QList<QJsonObject> all;
            all.reserve(pods.size());
            for (const QJsonObject &pod : pods) {
                if (promise.isCanceled())
                    return;
                all.append(pod);
                if (Core::Kube::selectorMatches(selector, meta(pod).value(QLatin1String("labels")).toObject()))
                    scan.pods.append(pod);
            }
            if (selectionKnown)
                scan.selection = Core::Release::serviceSelection(service, services, all);
            scan.selectionKnown = selectionKnown;
            scan.events = eventsAbout(service, events);
            promise.addResult(scan);
        },
        [this](const Scan &scan) { showScan(scan); });
}

void ServiceDetail::showScan(const Scan &scan)
{
    showPods(scan.pods);
    showSelection(scan);
    for (const QJsonObject &event : scan.events) {
        new QTreeWidgetItem(
            m_events,
            {event.value(QLatin1String("type")).toString(), event.value(QLatin1String("reason")).toString(),
             event.value(QLatin1String("involvedObject")).toObject().value(QLatin1String("name")).toString(),
             ageText(lastSeen(event)), QString::number(std::max(1, event.value(QLatin1String("count")).toInt())),
             event.value(QLatin1String("message")).toString()});
    }
}

void ServiceDetail::showPods(const QList<QJsonObject> &pods)
{
    m_pods->clear();
    for (const QJsonObject &pod : pods) {
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
    // The events follow with the pods (showScan), found on a worker.
}

void ServiceDetail::showSelection(const Scan &scan)
{
    if (!m_session || !m_session->services() || !m_session->pods()) {
        m_selector->clear();
        return;
    }
    if (!scan.selectionKnown) {
        m_selector->setText(tr("Loading the Service and its pods…"));
        return;
    }
    const auto &selection = scan.selection;
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
