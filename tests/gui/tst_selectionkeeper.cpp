// SelectionKeeper on a plain model behind a sort/filter proxy, as the services table has it:
// the user's choice survives removal and re-insertion, filtering, resets and re-sorts; a
// neighbour never stands in for it; a new choice is the user's alone.

#include "ui/common/selectionkeeper.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QtTest>

using Lucent::Ui::SelectionKeeper;

class TestSelectionKeeper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void aRemovedChoiceLeavesNothingCurrentAndComesBack();
    void aFilterHidesTheChoiceForAWhile();
    void resortsAndResetsKeepTheChoice();
    void onlyTheUserChooses();

private:
    void add(const QString &name);
    bool removeNamed(const QString &name);
    QString current() const;

    std::unique_ptr<QStandardItemModel> m_model;
    std::unique_ptr<QSortFilterProxyModel> m_proxy;
    std::unique_ptr<SelectionKeeper> m_keeper;
    std::unique_ptr<QTableView> m_view;
};

void TestSelectionKeeper::init()
{
    m_model = std::make_unique<QStandardItemModel>();
    m_proxy = std::make_unique<QSortFilterProxyModel>();
    m_proxy->setSourceModel(m_model.get());
    new QAbstractItemModelTester(m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_proxy.get());
    m_keeper = std::make_unique<SelectionKeeper>(m_proxy.get(), Qt::DisplayRole); // before the view: it hears first
    m_view = std::make_unique<QTableView>();
    m_view->setModel(m_proxy.get());
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(0, Qt::AscendingOrder);
    m_keeper->follow(m_view->selectionModel());
    for (const char *name : {"api-gateway", "frontend", "user-service", "wallet-service"})
        add(QString::fromLatin1(name));
}

void TestSelectionKeeper::cleanup()
{
    m_view.reset();
    m_keeper.reset();
    m_proxy.reset();
    m_model.reset();
}

void TestSelectionKeeper::add(const QString &name)
{
    m_model->appendRow({new QStandardItem(name), new QStandardItem(QStringLiteral("0"))});
}

bool TestSelectionKeeper::removeNamed(const QString &name)
{
    const QList<QStandardItem *> found = m_model->findItems(name);
    return !found.isEmpty() && m_model->removeRow(found.constFirst()->row());
}

QString TestSelectionKeeper::current() const
{
    return m_view->currentIndex().siblingAtColumn(0).data().toString();
}

void TestSelectionKeeper::aRemovedChoiceLeavesNothingCurrentAndComesBack()
{
    QSignalSpy told(m_keeper.get(), &SelectionKeeper::currentKeyChanged);
    m_view->setCurrentIndex(m_proxy->index(2, 0));
    QCOMPARE(current(), QStringLiteral("user-service"));
    QCOMPARE(told.size(), 1);
    QVERIFY(removeNamed(QStringLiteral("user-service")));
    // Qt alone would move the cursor to wallet-service: the neighbour is not what was chosen.
    QCOMPARE(current(), QString());
    QCOMPARE(m_keeper->wanted(), QStringLiteral("user-service"));
    QCOMPARE(told.size(), 2);
    QCOMPARE(told.last().constFirst().toString(), QString());
    add(QStringLiteral("user-service"));
    QCOMPARE(current(), QStringLiteral("user-service"));
    QCOMPARE(told.last().constFirst().toString(), QStringLiteral("user-service"));
    QCOMPARE(m_view->selectionModel()->selectedRows().size(), 1);
    // A neighbour removed: the choice stays where it is, and nobody is told anything.
    QVERIFY(removeNamed(QStringLiteral("frontend")));
    QCOMPARE(current(), QStringLiteral("user-service"));
    QCOMPARE(told.size(), 3);
}

void TestSelectionKeeper::aFilterHidesTheChoiceForAWhile()
{
    m_view->setCurrentIndex(m_proxy->index(3, 0));
    QCOMPARE(current(), QStringLiteral("wallet-service"));
    m_proxy->setFilterFixedString(QStringLiteral("user"));
    QCOMPARE(current(), QString());
    m_proxy->setFilterFixedString(QString());
    QCOMPARE(current(), QStringLiteral("wallet-service"));
}

void TestSelectionKeeper::resortsAndResetsKeepTheChoice()
{
    m_view->setCurrentIndex(m_proxy->index(1, 0));
    QCOMPARE(current(), QStringLiteral("frontend"));
    m_view->sortByColumn(0, Qt::DescendingOrder);
    QCOMPARE(current(), QStringLiteral("frontend"));
    QCOMPARE(m_view->currentIndex().row(), 2);
    // A reset (a model filled anew) drops every index; the choice is found again by name.
    m_model->clear();
    QCOMPARE(current(), QString());
    for (const char *name : {"wallet-service", "frontend"})
        add(QString::fromLatin1(name));
    QCOMPARE(current(), QStringLiteral("frontend"));
}

void TestSelectionKeeper::onlyTheUserChooses()
{
    m_view->setCurrentIndex(m_proxy->index(0, 0));
    QVERIFY(removeNamed(QStringLiteral("api-gateway")));
    QCOMPARE(current(), QString());
    // The user picks another row while the first choice is gone: that is the choice now.
    m_view->setCurrentIndex(m_proxy->index(1, 0));
    QCOMPARE(current(), QStringLiteral("user-service"));
    add(QStringLiteral("api-gateway"));
    QCOMPARE(current(), QStringLiteral("user-service"));
    m_keeper->forget();
    QCOMPARE(m_keeper->wanted(), QString());
    QVERIFY(removeNamed(QStringLiteral("user-service")));
    QCOMPARE(m_keeper->wanted(), QString()); // forgotten: Qt's own cursor rules apply again
}

QTEST_MAIN(TestSelectionKeeper)
#include "tst_selectionkeeper.moc"
