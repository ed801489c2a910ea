#include "ui/environment/environmentoverviewmodel.h"

#include "core/kube/resourcecache.h"
#include "core/prometheus/alertpoller.h"
#include "core/release/promotionjournal.h"
#include "core/release/servicestatus.h"

#include <QColor>
#include <QTimer>

namespace Lucent::Ui {

using Core::Environment::EnvironmentSession;
using Core::Release::RolloutState;

namespace {

QString nameOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

} // namespace

EnvironmentOverviewModel::EnvironmentOverviewModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void EnvironmentOverviewModel::setEnvironments(const Core::Kube::Kubeconfig &kubeconfig,
                                               const QList<Core::Environment::Environment> &environments)
{
    beginResetModel();
    for (const Row &row : std::as_const(m_rows))
        delete row.session; // cancels its requests and watches
    m_rows.clear();
    m_pendingRecount.clear();
    for (const auto &environment : environments) {
        auto *session = new EnvironmentSession(environment, kubeconfig, EnvironmentSession::Scope::Serving, this);
        m_rows.append({environment, session, 0, 0, 0, {}, {}});
        connect(session, &EnvironmentSession::stateChanged, this, [this, session] { recount(session); });
        if (Core::Prometheus::AlertPoller *alerts = session->alerts()) {
            connect(alerts, &Core::Prometheus::AlertPoller::alertsChanged, this, [this, session] { recount(session); });
            connect(alerts, &Core::Prometheus::AlertPoller::failed, this, [this, session] { recount(session); });
        }
        connect(session, &EnvironmentSession::ready, this, [this, session] {
            using Core::Kube::ResourceCache;
            for (ResourceCache *cache : {session->deployments(), session->services(), session->endpoints()}) {
                for (auto signal : {&ResourceCache::added, &ResourceCache::removed})
                    connect(cache, signal, this, [this, session] { scheduleRecount(session); });
                connect(cache, &ResourceCache::updated, this, [this, session] { scheduleRecount(session); });
            }
            // A pod matters here only when it appears after the Endpoints that name it, or goes.
            for (auto signal : {&ResourceCache::added, &ResourceCache::removed})
                connect(session->pods(), signal, this, [this, session] { scheduleRecount(session); });
            for (auto signal : {&ResourceCache::added, &ResourceCache::removed})
                connect(session->promotionLease(), signal, this, [this, session] { scheduleRecount(session); });
            connect(session->promotionLease(), &ResourceCache::updated, this,
                    [this, session] { scheduleRecount(session); });
        });
    }
    endResetModel();
    for (const Row &row : std::as_const(m_rows))
        row.session->start();
}

Core::Environment::Environment EnvironmentOverviewModel::environment(int row) const
{
    return m_rows.value(row).environment;
}

int EnvironmentOverviewModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].environment.name == name)
            return row;
    }
    return -1;
}

void EnvironmentOverviewModel::scheduleRecount(EnvironmentSession *session)
{
    // A watch storm (a 200-pod rollout) would otherwise recount once per event; a glance
    // needs the state a fraction of a second later, not every step of it.
    if (m_pendingRecount.contains(session))
        return;
    m_pendingRecount.insert(session);
    // The timer has the session as its context: a deleted session's recount never runs.
    QTimer::singleShot(100, session, [this, session] {
        m_pendingRecount.remove(session);
        recount(session);
    });
}

void EnvironmentOverviewModel::count(Row &row, const Core::Release::ServiceStatus &status)
{
    const Core::Release::RolloutSummary *active = status.active();
    const QStringList live = status.liveVersions();
    row.versions.append(status.name + QLatin1Char(' ')
                        + (live.isEmpty() ? tr("none ready") : live.join(QStringLiteral(", "))));
    if (!active) {
        // A data store run by a StatefulSet is healthy while it serves; a colour without a
        // Deployment is not.
        (status.servingPods > 0 && status.problems.isEmpty() ? row.healthy : row.degraded) += 1;
        return;
    }
    switch (active->state) {
    case RolloutState::Complete: ++row.healthy; break;
    case RolloutState::Progressing:
    case RolloutState::Paused: ++row.progressing; break;
    case RolloutState::Failed:
    case RolloutState::Degraded: ++row.degraded; break;
    }
}

void EnvironmentOverviewModel::recount(EnvironmentSession *session)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        Row &row = m_rows[i];
        if (row.session != session)
            continue;
        row.healthy = row.progressing = row.degraded = 0;
        row.versions.clear();
        row.promotion.clear();
        if (const Core::Kube::ResourceCache *lease = session->promotionLease())
            row.promotion = Core::Release::promotionActivity(lease->objects().value(0), QDateTime::currentDateTimeUtc())
                                .shortText();
        if (session->services()) {
            const QStringList &wanted = row.environment.services;
            const QString ns = session->environment().namespaceName;
            const QList<QJsonObject> deployments = session->deployments()->objects();
            const Core::Kube::ResourceCache *pods = session->pods();
            QList<QJsonObject> services = session->services()->objects();
            std::sort(services.begin(), services.end(),
                      [](const QJsonObject &a, const QJsonObject &b) { return nameOf(a) < nameOf(b); });
            for (const QJsonObject &service : std::as_const(services)) {
                if (!wanted.isEmpty() && !wanted.contains(nameOf(service)))
                    continue;
                count(row,
                      Core::Release::serviceStatus(service, deployments,
                                                   session->endpoints()->object(ns, nameOf(service)),
                                                   [pods, ns](const QString &name) { return pods->object(ns, name); }));
            }
        }
        Q_EMIT dataChanged(index(i), index(i));
    }
}

int EnvironmentOverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString EnvironmentOverviewModel::summaryText(const Row &row) const
{
    const EnvironmentSession *session = row.session;
    QString title = row.environment.name;
    if (row.environment.isProtected)
        title += tr("  (protected)");
    const QString where = tr("%1 · %2").arg(row.environment.context, session->environment().namespaceName);
    QString state;
    switch (session->state()) {
    case EnvironmentSession::State::Connecting: state = tr("Connecting…"); break;
    case EnvironmentSession::State::Unreachable:
        // The full sentence is in the tooltip and the dashboard's banner; a card stays a card.
        state = row.versions.isEmpty() ? tr("Unreachable") : tr("Unreachable · versions as last seen");
        break;
    case EnvironmentSession::State::Connected:
        state = tr("%1 healthy · %2 progressing · %3 degraded").arg(row.healthy).arg(row.progressing).arg(row.degraded);
        break;
    }
    if (const auto *alerts = session->alerts()) {
        if (alerts->lastError().isError())
            state += tr(" · alerts unknown (Prometheus unreachable)");
        else if (alerts->hasAnswered())
            state += tr(" · %n firing alert(s)", nullptr, alerts->firingCount());
    }
    if (!row.promotion.isEmpty())
        state += tr(" · promotion: %1").arg(row.promotion);
    if (!session->tlsWarning().isEmpty())
        state += tr(" · TLS not verified");
    QStringList lines{title, where, state};
    if (!row.versions.isEmpty()) {
        // Lines break between services, never inside a name ("play-|service") or between a
        // name and its version.
        QStringList unbreakable;
        for (QString version : row.versions)
            unbreakable.append(version.replace(QLatin1Char('-'), QChar(0x2011)).replace(QLatin1Char(' '), QChar(0xa0)));
        lines.append(unbreakable.join(QStringLiteral(" · ")));
    }
    return lines.join(QLatin1Char('\n'));
}

QVariant EnvironmentOverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return summaryText(row);
    case Qt::ToolTipRole: {
        QStringList lines;
        if (row.session->state() == EnvironmentSession::State::Unreachable)
            lines.append(row.session->problem());
        if (const QString warning = row.session->tlsWarning(); !warning.isEmpty())
            lines.append(warning);
        lines.append(row.versions);
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::DecorationRole: {
        if (row.session->state() == EnvironmentSession::State::Unreachable || row.degraded > 0)
            return QColor(0xd1, 0x3b, 0x3b);
        if (row.session->state() == EnvironmentSession::State::Connecting)
            return QColor(0x88, 0x88, 0x88);
        return row.progressing > 0 ? QColor(0x2f, 0x7f, 0xd1) : QColor(0x2e, 0x9e, 0x4f);
    }
    case NameRole: return row.environment.name;
    case StateRole: return int(row.session->state());
    case HealthyRole: return row.healthy;
    case ProgressingRole: return row.progressing;
    case DegradedRole: return row.degraded;
    case VersionsRole: return row.versions;
    case ProtectedRole: return row.environment.isProtected;
    case PromotionRole: return row.promotion;
    case FiringAlertsRole: {
        const auto *alerts = row.session->alerts();
        return alerts && alerts->hasAnswered() && !alerts->lastError().isError() ? alerts->firingCount() : -1;
    }
    default: return {};
    }
}

QList<Core::Release::EnvironmentImages> EnvironmentOverviewModel::servingImages(const QString &except) const
{
    QList<Core::Release::EnvironmentImages> all;
    for (const Row &row : m_rows) {
        const auto *session = row.session;
        if (row.environment.name == except || !session || !session->services() || !session->deployments()
            || !session->services()->isSynced() || !session->deployments()->isSynced())
            continue;
        all.append({row.environment.name,
                    Core::Release::servingImages(session->services()->objects(), session->deployments()->objects())});
    }
    return all;
}

} // namespace Lucent::Ui
