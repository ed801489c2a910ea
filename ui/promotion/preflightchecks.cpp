#include "ui/promotion/preflightchecks.h"

#include "core/environment/environmentsession.h"
#include "core/kube/resourcecache.h"
#include "core/release/promotionjournal.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

namespace {

using Core::Release::PromotionPreflight;

PreflightChecks::Row rowOf(PromotionPreflight::Check check)
{
    switch (check) {
    case PromotionPreflight::Check::Access: return PreflightChecks::AccessRow;
    case PromotionPreflight::Check::ActiveRollouts: return PreflightChecks::RolloutsRow;
    case PromotionPreflight::Check::Prometheus: return PreflightChecks::PrometheusRow;
    case PromotionPreflight::Check::Alerts: return PreflightChecks::AlertsRow;
    }
    return PreflightChecks::AccessRow;
}

} // namespace

PreflightChecks::PreflightChecks(QWidget *parent)
    : QWidget(parent)
    , m_failed(RowCount, false)
{
    m_table = new QTableWidget(RowCount, 3);
    m_table->setObjectName(QStringLiteral("preflightTable"));
    m_table->setHorizontalHeaderLabels({tr("Check"), tr("Verdict"), tr("What was found")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    const QStringList names{tr("Access"), tr("Lock"), tr("Active rollouts"), tr("Prometheus"), tr("Firing alerts")};
    for (int row = 0; row < RowCount; ++row) {
        m_table->setItem(row, 0, new QTableWidgetItem(names[row]));
        m_table->setItem(row, 1, new QTableWidgetItem);
        m_table->setItem(row, 2, new QTableWidgetItem);
    }
    m_table->resizeColumnsToContents();
    // Five rows, no scrolling: the table is as tall as its rows.
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height()
                            + RowCount * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth());
    m_acknowledge = new QCheckBox(tr("I have looked at the firing alerts: promote anyway (recorded)"));
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeAlerts"));
    m_acknowledge->hide();
    connect(m_acknowledge, &QCheckBox::toggled, this, &PreflightChecks::changed);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addWidget(m_acknowledge);
}

PreflightChecks::~PreflightChecks() = default;

void PreflightChecks::run(Core::Environment::EnvironmentSession *session, const Core::Release::PromotionPlan &plan,
                          bool analysis)
{
    m_failed.fill(false);
    m_acknowledge->setChecked(false);
    m_acknowledge->hide();
    for (int row = 0; row < RowCount; ++row)
        setRow(Row(row), tr("checking…"), {});
    if (!session || !session->client()) {
        m_failed[AccessRow] = true;
        setRow(AccessRow, tr("failed"), tr("Not connected to the environment."));
        return;
    }
    checkLock(session);
    PromotionPreflight::Checks checks;
    checks.user = session->userName();
    checks.analysis = analysis;
    checks.all = true;
    m_preflight = std::make_unique<PromotionPreflight>(session->client(), analysis ? session->prometheus() : nullptr,
                                                       plan, checks);
    connect(m_preflight.get(), &PromotionPreflight::checked, this,
            [this](PromotionPreflight::Check check, bool passed, const QString &sentence) {
                const Row row = rowOf(check);
                m_failed[row] = !passed;
                setRow(row, passed ? tr("passed") : tr("failed"), sentence);
                if (row == AlertsRow)
                    m_acknowledge->setVisible(!passed);
                Q_EMIT changed();
            });
    connect(m_preflight.get(), &PromotionPreflight::finished, this, [this] {
        m_running = false;
        m_table->resizeColumnToContents(1);
        Q_EMIT changed();
    });
    m_running = true;
    m_preflight->run();
}

void PreflightChecks::checkLock(Core::Environment::EnvironmentSession *session)
{
    using Core::Release::PromotionActivity;
    const Core::Kube::ResourceCache *lease = session->promotionLease();
    const QList<QJsonObject> leases = lease ? lease->objects() : QList<QJsonObject>();
    const PromotionActivity activity
        = Core::Release::promotionActivity(leases.value(0), QDateTime::currentDateTimeUtc());
    if (activity.state == PromotionActivity::State::None) {
        setRow(LockRow, tr("passed"),
               tr("Free: no promotion is under way in %1.").arg(session->environment().namespaceName));
        return;
    }
    m_failed[LockRow] = true;
    const QString what = tr("Held: %1, by %2.").arg(activity.journal.describe(), activity.holder);
    setRow(LockRow, tr("failed"),
           activity.state == PromotionActivity::State::Running
               ? tr("%1 One promotion at a time per namespace: wait for it to end.").arg(what)
               : tr("%1 Finish it first: Resume or Roll back from the dashboard's banner.").arg(what));
}

bool PreflightChecks::blocks() const
{
    for (int row = 0; row < RowCount; ++row) {
        if (m_failed[row] && !(row == AlertsRow && m_acknowledge->isChecked()))
            return true;
    }
    return m_running;
}

bool PreflightChecks::alertsAcknowledged() const
{
    return !m_acknowledge->isHidden() && m_acknowledge->isChecked();
}

void PreflightChecks::setRow(Row row, const QString &verdict, const QString &sentence)
{
    m_table->item(row, 1)->setText(verdict);
    // A failure in the palette's own red-free text would be missed at a glance.
    m_table->item(row, 1)->setForeground(m_failed[row] ? QBrush(QColor(0xd0, 0x30, 0x30)) : QBrush());
    m_table->item(row, 2)->setText(sentence);
    m_table->item(row, 2)->setToolTip(sentence);
}

} // namespace Lucent::Ui
