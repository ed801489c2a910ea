#include "ui/promotion/promotionhistory.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPromise>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Release::PromotionJournal;

PromotionHistory::PromotionHistory(const QString &environment, const PromotionJournal &clusterJournal,
                                   const QString &directory, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("promotionHistory"));
    setWindowTitle(tr("Promotions in %1").arg(environment));
    setMinimumSize(720, 480);
    m_table = new QTableWidget(0, 6);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("When (UTC)"), tr("Promotion"), tr("Outcome"), tr("By"), tr("Took"), tr("Services")});
    m_table->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_detail = new QPlainTextEdit;
    m_detail->setObjectName(QStringLiteral("historyDetail"));
    m_detail->setReadOnly(true);
    m_empty = new QLabel(tr("Reading the journals…"));
    m_empty->setObjectName(QStringLiteral("historyState"));
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_empty);
    layout->addWidget(splitter, 1);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && row < m_journals.size())
            m_detail->setPlainText(detailOf(m_journals[row]));
    });
    m_read.start(
        [directory, environment, clusterJournal](QPromise<QList<PromotionJournal>> &promise) {
            QList<PromotionJournal> journals = Core::Release::readPromotionHistory(directory, environment);
            // The cluster's last promotion, when another machine ran it.
            const bool known = std::any_of(journals.cbegin(), journals.cend(), [&](const PromotionJournal &j) {
                return j.promotionId == clusterJournal.promotionId;
            });
            if (!clusterJournal.isEmpty() && !known)
                journals.prepend(clusterJournal);
            promise.addResult(journals);
        },
        [this](const QList<PromotionJournal> &journals) { display(journals); });
}

QString PromotionHistory::detailOf(const PromotionJournal &journal)
{
    // What a reader asks first (how it ended, and why), then what the failed colour said, then
    // the journal whole.
    QStringList parts{journal.describe()};
    if (!journal.message.isEmpty())
        parts.append(journal.message);
    if (!journal.evidence.isEmpty())
        parts.append(journal.evidence.text());
    else if (!journal.evidenceNote.isEmpty())
        parts.append(journal.evidenceNote);
    if (!journal.smoke.isEmpty())
        parts.append(tr("Smoke tests:\n%1").arg(journal.smoke));
    PromotionJournal rest = journal;
    rest.evidence = {}; // shown above, readably
    parts.append(
        tr("The journal:\n%1").arg(QString::fromUtf8(QJsonDocument(rest.toJson()).toJson(QJsonDocument::Indented))));
    return parts.join(QStringLiteral("\n\n"));
}

int PromotionHistory::promotionCount() const
{
    return int(m_journals.size());
}

void PromotionHistory::display(const QList<PromotionJournal> &journals)
{
    m_journals = journals;
    m_table->setRowCount(0);
    for (const PromotionJournal &journal : journals) {
        QStringList services;
        for (const Core::Release::JournalService &service : journal.services)
            services.append(tr("%1 %2→%3 %4").arg(service.service, service.from, service.to, service.image));
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QString outcome = !journal.paused.isEmpty() ? tr("paused")
            : journal.outcome.isEmpty()                   ? tr("unfinished (at %1)").arg(journal.step)
                                                          : journal.outcome;
        const QStringList cells{journal.updated, journal.promotionId, outcome,
                                journal.by,      journal.duration(),  services.join(QStringLiteral(", "))};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    m_table->resizeColumnsToContents();
    m_empty->setText(journals.isEmpty() ? tr("No promotion is recorded for this environment.")
                                        : tr("%n promotion(s), newest first.", nullptr, int(journals.size())));
    if (!journals.isEmpty())
        m_table->setCurrentCell(0, 0);
    Q_EMIT loaded();
}

} // namespace Lucent::Ui
