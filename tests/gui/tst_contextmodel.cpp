#include "core/kube/kubeconfig.h"
#include "ui/common/itemroles.h"
#include "ui/kube/contextmodel.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSortFilterProxyModel>
#include <QtTest>

using namespace Lucent::Ui;
using Lucent::Core::Kube::Kubeconfig;

class TestContextModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester();
    void showsContextsAndMarksTheCurrentOne();
    void warnsAboutInsecureClustersAndMissingReferences();
    void sortsThroughAProxy();

private:
    static Kubeconfig fixture()
    {
        return Kubeconfig::load({QStringLiteral(LUCENT_TEST_DATA_DIR "/kubeconfig/two-clusters.yaml")});
    }
};

void TestContextModel::passesTheModelTester()
{
    ContextModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setKubeconfig(fixture());
    QCOMPARE(model.rowCount(), 3);
    model.setKubeconfig(Kubeconfig{});
    QCOMPARE(model.rowCount(), 0);
    model.setKubeconfig(fixture());
    proxy.sort(ContextModel::ServerColumn, Qt::DescendingOrder);
}

void TestContextModel::showsContextsAndMarksTheCurrentOne()
{
    ContextModel model;
    model.setKubeconfig(fixture());
    QCOMPARE(model.columnCount(), int(ContextModel::ColumnCount));
    const int row = model.rowOf(QStringLiteral("staging"));
    QVERIFY(row >= 0);
    auto cell = [&](int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(cell(ContextModel::ClusterColumn).toString(), QStringLiteral("lucent-staging"));
    QCOMPARE(cell(ContextModel::ServerColumn).toString(), QStringLiteral("https://staging.k8s.lucent.test:6443"));
    QCOMPARE(cell(ContextModel::NamespaceColumn).toString(), QStringLiteral("lucent-staging"));
    QCOMPARE(cell(ContextModel::AuthColumn).toString(), QStringLiteral("bearer token"));
    QVERIFY(cell(0, IsCurrentRole).toBool());
    QVERIFY(cell(0, Qt::FontRole).value<QFont>().bold());

    const int other = model.rowOf(QStringLiteral("production"));
    QVERIFY(!model.index(other, 0).data(IsCurrentRole).toBool());
    QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
    QCOMPARE(model.headerData(ContextModel::AuthColumn, Qt::Horizontal).toString(), QStringLiteral("Authentication"));
}

void TestContextModel::warnsAboutInsecureClustersAndMissingReferences()
{
    Kubeconfig config = fixture();
    config.contexts.append(
        {QStringLiteral("orphan"), QStringLiteral("ghost-cluster"), QStringLiteral("ghost-user"), {}, {}});
    ContextModel model;
    model.setKubeconfig(config);

    const QModelIndex prodServer = model.index(model.rowOf(QStringLiteral("production")), ContextModel::ServerColumn);
    QVERIFY(prodServer.data(Qt::ToolTipRole).toString().contains(QStringLiteral("insecure-skip-tls-verify")));
    QVERIFY(prodServer.data(Qt::ForegroundRole).isValid());
    const QModelIndex stagingServer = model.index(model.rowOf(QStringLiteral("staging")), ContextModel::ServerColumn);
    QVERIFY(!stagingServer.data(Qt::ForegroundRole).isValid());

    const int orphan = model.rowOf(QStringLiteral("orphan"));
    QCOMPARE(model.index(orphan, ContextModel::ServerColumn).data().toString(),
             QStringLiteral("(cluster not defined)"));
    QCOMPARE(model.index(orphan, ContextModel::AuthColumn).data().toString(), QStringLiteral("(user not defined)"));
    QCOMPARE(model.index(orphan, ContextModel::NamespaceColumn).data().toString(), QStringLiteral("default"));
}

void TestContextModel::sortsThroughAProxy()
{
    ContextModel model;
    model.setKubeconfig(fixture());
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(SortRole);
    proxy.sort(ContextModel::ContextColumn, Qt::AscendingOrder);
    QStringList names;
    for (int row = 0; row < proxy.rowCount(); ++row)
        names.append(proxy.index(row, 0).data().toString());
    QCOMPARE(names,
             (QStringList{QStringLiteral("production"), QStringLiteral("production-sso"), QStringLiteral("staging")}));
}

QTEST_MAIN(TestContextModel)
#include "tst_contextmodel.moc"
