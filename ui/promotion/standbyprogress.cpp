#include "ui/promotion/standbyprogress.h"

#include "core/kube/podstatus.h"
#include "core/kube/resourcecache.h"
#include "core/kube/resourcetype.h"
#include "core/release/rolloutsummary.h"

#include <QHeaderView>
#include <QJsonObject>
#include <QMap>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

namespace {

using Core::Release::PlannedService;

QString text(const QJsonObject &object, const char *first, const char *second)
{
    return object[QLatin1String(first)][QLatin1String(second)].toString();
}

/// When an event last happened, however its writer recorded it.
QString eventTime(const QJsonObject &event)
{
    for (const char *field : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
        const QString value = event[QLatin1String(field)].toString();
        if (!value.isEmpty())
            return value;
    }
    return text(event, "metadata", "creationTimestamp");
}

} // namespace

StandbyProgress::StandbyProgress(QWidget *parent)
    : QWidget(parent)
{
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("standbyTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Service"), tr("New colour"), tr("Ready"), tr("Pods"), tr("Latest event"), tr("Analysis")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(EventColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    // A release of three services is seen whole without scrolling.
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
                              + 3 * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth());
    m_logs = new QPushButton(tr("&Logs of the new colour"));
    m_logs->setObjectName(QStringLiteral("standbyLogsButton"));
    m_logs->setToolTip(tr("Follow the logs of the chosen service's pods in the new colour, in the Logs tab."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_logs, 0, Qt::AlignRight);
    connect(m_logs, &QPushButton::clicked, this, [this] {
        const int row = std::max(0, m_table->currentRow());
        if (row < m_plan.services.size())
            Q_EMIT logsRequested(QStringLiteral("app=%1,color=%2")
                                     .arg(m_plan.services[row].service, m_plan.services[row].standbyColour));
    });
    m_refill.setSingleShot(true);
    m_refill.setInterval(200);
    connect(&m_refill, &QTimer::timeout, this, &StandbyProgress::fill);
}

StandbyProgress::~StandbyProgress() = default;

void StandbyProgress::watch(Core::Kube::KubeClient *client, const Core::Release::PromotionPlan &plan)
{
    using Core::Kube::ResourceCache;
    using Core::Kube::ResourceType;
    m_plan = plan;
    m_analysis.clear();
    const QString ns = plan.request.namespaceName;
    m_deployments = std::make_unique<ResourceCache>(client, ResourceType::deployments(), ns);
    m_pods = std::make_unique<ResourceCache>(client, ResourceType::pods(), ns);
    m_events = std::make_unique<ResourceCache>(client, ResourceType::events(), ns);
    for (ResourceCache *cache : {m_deployments.get(), m_pods.get(), m_events.get()}) {
        const auto later = [this] { m_refill.start(); };
        connect(cache, &ResourceCache::added, this, later);
        connect(cache, &ResourceCache::updated, this, later);
        connect(cache, &ResourceCache::removed, this, later);
        connect(cache, &ResourceCache::synced, this, later);
        cache->start();
    }
    m_table->setRowCount(int(plan.services.size()));
    m_table->selectRow(0);
    fill();
}

void StandbyProgress::setAnalysis(const QList<Core::Release::MetricRun> &runs, bool monitor)
{
    QMap<QString, QStringList> verdicts;
    for (const Core::Release::MetricRun &run : runs) {
        // The engine names each metric "<service> <metric>".
        const QString service = run.metric.name.section(QLatin1Char(' '), 0, 0);
        verdicts[service].append(QStringLiteral("%1 %2").arg(run.metric.name.section(QLatin1Char(' '), 1),
                                                             Core::Release::analysisVerdictName(run.verdict())));
    }
    m_analysis.clear();
    for (auto it = verdicts.cbegin(); it != verdicts.cend(); ++it)
        m_analysis.insert(it.key(), (monitor ? tr("serving: ") : QString()) + it.value().join(QStringLiteral(", ")));
    fill();
}

void StandbyProgress::setAnalysisOff(bool off)
{
    m_analysisOff = off;
    fill();
}

void StandbyProgress::fill()
{
    for (int row = 0; row < m_plan.services.size(); ++row) {
        const PlannedService &planned = m_plan.services[row];
        const QJsonObject deployment = m_deployments
            ? m_deployments->object(m_plan.request.namespaceName, planned.standbyDeployment)
            : QJsonObject();
        const QJsonObject status = deployment[QLatin1String("status")].toObject();
        const QStringList cells{
            planned.service,
            tr("%1 %2").arg(planned.standbyColour, Core::Release::versionLabel(planned.toImage)),
            deployment.isEmpty() ? tr("not created yet")
                                 : tr("%1/%2")
                                       .arg(status[QLatin1String("readyReplicas")].toInt())
                                       .arg(deployment[QLatin1String("spec")][QLatin1String("replicas")].toInt()),
            podsText(planned),
            latestEvent(planned),
            m_analysisOff ? tr("off") : m_analysis.value(planned.service, tr("not measured yet")),
        };
        for (int column = 0; column < ColumnCount; ++column) {
            QTableWidgetItem *item = m_table->item(row, column);
            if (!item)
                m_table->setItem(row, column, item = new QTableWidgetItem);
            item->setText(cells[column]);
            item->setToolTip(cells[column]);
        }
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(EventColumn, QHeaderView::Stretch);
    Q_EMIT refreshed();
}

QString StandbyProgress::notReady() const
{
    if (!m_deployments || !m_deployments->isSynced())
        return tr("the new colour's Deployments are not read yet");
    QStringList parts;
    for (const PlannedService &planned : m_plan.services) {
        const QJsonObject deployment = m_deployments->object(m_plan.request.namespaceName, planned.standbyDeployment);
        const int ready = deployment[QLatin1String("status")][QLatin1String("readyReplicas")].toInt();
        if (deployment.isEmpty() || !Core::Release::isRolledOut(deployment) || ready < planned.replicas)
            parts.append(
                tr("%1 %2 %3/%4 ready").arg(planned.service, planned.standbyColour).arg(ready).arg(planned.replicas));
    }
    return parts.join(QStringLiteral(", "));
}

QString StandbyProgress::podsText(const PlannedService &planned) const
{
    if (!m_pods)
        return {};
    QMap<QString, int> states;
    int restarts = 0;
    for (const QJsonObject &pod : m_pods->objects()) {
        const QJsonObject labels = pod[QLatin1String("metadata")][QLatin1String("labels")].toObject();
        if (labels[QLatin1String("app")].toString() != planned.service
            || labels[QLatin1String("color")].toString() != planned.standbyColour)
            continue;
        const Core::Kube::PodStatus podStatus = Core::Kube::PodStatus::of(pod);
        ++states[podStatus.status];
        restarts += podStatus.restarts;
    }
    QStringList parts;
    for (auto it = states.cbegin(); it != states.cend(); ++it)
        parts.append(tr("%1 %2").arg(it.value()).arg(it.key()));
    if (restarts > 0)
        parts.append(tr("%n restart(s)", nullptr, restarts));
    return parts.isEmpty() ? tr("none") : parts.join(QStringLiteral(", "));
}

QString StandbyProgress::latestEvent(const PlannedService &planned) const
{
    if (!m_events)
        return {};
    // The Deployment's own events, its ReplicaSets' (<name>-<hash>) and their pods'.
    QJsonObject latest;
    for (const QJsonObject &event : m_events->objects()) {
        const QString about = text(event, "involvedObject", "name");
        if (about != planned.standbyDeployment && !about.startsWith(planned.standbyDeployment + QLatin1Char('-')))
            continue;
        if (latest.isEmpty() || eventTime(event) >= eventTime(latest))
            latest = event;
    }
    if (latest.isEmpty())
        return tr("none yet");
    return tr("%1: %2").arg(latest[QLatin1String("reason")].toString(), latest[QLatin1String("message")].toString());
}

} // namespace Lucent::Ui
