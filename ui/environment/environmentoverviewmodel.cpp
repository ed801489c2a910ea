#include "ui/environment/environmentoverviewmodel.h"

#include "core/kube/resourcecache.h"
#include "core/prometheus/alertpoller.h"
#include "core/release/rolloutsummary.h"

#include <QColor>

namespace Lucent::Ui {

using Core::Environment::EnvironmentSession;
using Core::Release::RolloutState;

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
    for (const auto &environment : environments) {
        auto *session
            = new EnvironmentSession(environment, kubeconfig, EnvironmentSession::Scope::DeploymentsOnly, this);
        m_rows.append({environment, session, 0, 0, 0, {}});
        connect(session, &EnvironmentSession::stateChanged, this, [this, session] { recount(session); });
        if (Core::Prometheus::AlertPoller *alerts = session->alerts()) {
            connect(alerts, &Core::Prometheus::AlertPoller::alertsChanged, this, [this, session] { recount(session); });
            connect(alerts, &Core::Prometheus::AlertPoller::failed, this, [this, session] { recount(session); });
        }
        connect(session, &EnvironmentSession::ready, this, [this, session] {
            Core::Kube::ResourceCache *cache = session->deployments();
            for (auto signal : {&Core::Kube::ResourceCache::added, &Core::Kube::ResourceCache::removed})
                connect(cache, signal, this, [this, session] { recount(session); });
            connect(cache, &Core::Kube::ResourceCache::updated, this, [this, session] { recount(session); });
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

void EnvironmentOverviewModel::recount(EnvironmentSession *session)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        Row &row = m_rows[i];
        if (row.session != session)
            continue;
        row.healthy = row.progressing = row.degraded = 0;
        row.versions.clear();
        if (session->deployments()) {
            const QStringList &services = row.environment.services;
            QList<Core::Release::RolloutSummary> summaries;
            for (const QJsonObject &deployment : session->deployments()->objects()) {
                const auto summary = Core::Release::summarizeDeployment(deployment);
                if (services.isEmpty() || services.contains(summary.name))
                    summaries.append(summary);
            }
            std::sort(summaries.begin(), summaries.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
            for (const auto &summary : std::as_const(summaries)) {
                switch (summary.state) {
                case RolloutState::Complete: ++row.healthy; break;
                case RolloutState::Progressing:
                case RolloutState::Paused: ++row.progressing; break;
                case RolloutState::Failed:
                case RolloutState::Degraded: ++row.degraded; break;
                }
                row.versions.append(summary.name + QLatin1Char(' ') + summary.versions.join(QLatin1Char('+')));
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
    case EnvironmentSession::State::Unreachable: state = tr("Unreachable: %1").arg(session->problem()); break;
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
    QStringList lines{title, where, state};
    if (!row.versions.isEmpty())
        lines.append(row.versions.join(QStringLiteral(" · ")));
    return lines.join(QLatin1Char('\n'));
}

QVariant EnvironmentOverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole: return summaryText(row);
    case Qt::ToolTipRole: return row.versions.join(QLatin1Char('\n'));
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
    case FiringAlertsRole: {
        const auto *alerts = row.session->alerts();
        return alerts && alerts->hasAnswered() && !alerts->lastError().isError() ? alerts->firingCount() : -1;
    }
    default: return {};
    }
}

} // namespace Lucent::Ui
