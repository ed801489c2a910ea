#include "dashboardtestbase.h"

#include "ui/rollout/servicestablemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Ui::RolloutDashboard;
using Lucent::Ui::ServicesTableModel;

bool DashboardTestBase::startSandbox()
{
    [&] {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
        m_kubeconfig = Kube::Kubeconfig::load({m_sandbox.kubeconfig()}, true);
        m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
        QVERIFY2(m_project.problems.isEmpty(), qPrintable(m_project.problems.value(0).sentence()));
        QCOMPARE(m_project.environments.size(), 2);
        QVERIFY(m_project.environment(QStringLiteral("production"))->isProtected);
    }();
    return !QTest::currentTestFailed();
}

void DashboardTestBase::makeDashboard()
{
    m_dashboard = std::make_unique<RolloutDashboard>();
    new QAbstractItemModelTester(m_dashboard->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_dashboard.get());
    new QAbstractItemModelTester(m_dashboard->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_dashboard.get());
    m_dashboard->resize(1200, 700);
    m_dashboard->show();
}

void DashboardTestBase::dropDashboard()
{
    m_dashboard.reset();
    m_session.reset();
}

Environment::EnvironmentSession *DashboardTestBase::openSession(const QString &environment, const QString &user)
{
    Kube::Kubeconfig config = m_kubeconfig;
    const Environment::Environment *env = m_project.environment(environment);
    for (Kube::KubeconfigContext &context : config.contexts) {
        if (context.name == env->context && !user.isEmpty())
            context.user = user;
    }
    m_dashboard->setSession(nullptr);
    m_session = std::make_unique<Environment::EnvironmentSession>(*env, config,
                                                                  Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(m_session.get());
    m_session->start();
    return m_session.get();
}

QString DashboardTestBase::cell(const QString &service, int column) const
{
    const ServicesTableModel *model = m_dashboard->model();
    const int row = model->rowOf(service);
    return row < 0 ? QString() : model->index(row, column).data().toString();
}

void DashboardTestBase::select(const QString &service)
{
    auto *view = m_dashboard->findChild<QTableView *>(QStringLiteral("servicesView"));
    const QModelIndex source = m_dashboard->model()->index(m_dashboard->model()->rowOf(service), 0);
    view->setCurrentIndex(m_dashboard->proxy()->mapFromSource(source));
}

QString DashboardTestBase::desired(const QString &service) const
{
    return cell(service, ServicesTableModel::ReadyColumn).section(QLatin1Char('/'), 1, 1);
}

QJsonObject DashboardTestBase::deployment(const QString &ns, const QString &name) const
{
    return m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "-o", "json", "-n"}) << ns << name).json().object();
}

QHash<QString, qint64> DashboardTestBase::generations(const QString &ns) const
{
    QHash<QString, qint64> result;
    const auto list = m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "-o", "json", "-n"}) << ns).json();
    for (const auto &item : list[QLatin1String("items")].toArray()) {
        const QJsonObject meta = item[QLatin1String("metadata")].toObject();
        result.insert(meta[QLatin1String("name")].toString(), qint64(meta[QLatin1String("generation")].toDouble()));
    }
    return result;
}

bool DashboardTestBase::recreate(const QJsonObject &saved) const
{
    QJsonObject object = saved;
    QJsonObject meta = object[QLatin1String("metadata")].toObject();
    for (const char *field : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"})
        meta.remove(QLatin1String(field));
    object.insert(QStringLiteral("metadata"), meta);
    object.remove(QStringLiteral("status"));
    const auto r = m_sandbox.kubectl(Lucent::Tests::args({"create", "-f", "-"}), 60000, QJsonDocument(object).toJson());
    if (r.exitCode != 0)
        qWarning("kubectl create: %s", qPrintable(r.errText()));
    return r.exitCode == 0;
}
