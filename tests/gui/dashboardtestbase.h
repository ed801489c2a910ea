#pragma once

// What the rollout dashboard's test executables share: a sandbox over TLS (so that RBAC
// applies), its kubeconfig and project, a dashboard shown at a desktop size, and helpers that
// read the table and ask kubectl.

#include "sandboxprocess.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "ui/rollout/rolloutdashboard.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <memory>

class DashboardTestBase : public QObject
{
protected:
    /// Starts the sandbox and reads its kubeconfig and project; false with a QTest failure.
    bool startSandbox();
    /// A fresh dashboard, under QAbstractItemModelTester, shown at 1200x700.
    void makeDashboard();
    void dropDashboard();

    Lucent::Core::Environment::EnvironmentSession *openSession(const QString &environment, const QString &user = {});
    QString cell(const QString &service, int column) const;
    /// The desired replicas of the row's Deployment, from its Ready cell ("2/3" -> "3").
    QString desired(const QString &service) const;
    void select(const QString &service);
    QJsonObject deployment(const QString &ns, const QString &name) const;
    /// name -> generation of every Deployment in @p ns: a change to any spec bumps it.
    QHash<QString, qint64> generations(const QString &ns) const;
    bool recreate(const QJsonObject &saved) const;

    Lucent::Tests::SandboxProcess m_sandbox{{QStringLiteral("--tls"), QStringLiteral("--speed"), QStringLiteral("20")}};
    Lucent::Core::Kube::Kubeconfig m_kubeconfig;
    Lucent::Core::Environment::ProjectConfig m_project;
    std::unique_ptr<Lucent::Ui::RolloutDashboard> m_dashboard;
    std::unique_ptr<Lucent::Core::Environment::EnvironmentSession> m_session;
};
