#pragma once

#include "core/jobs/latestjob.h"
#include "core/release/promotionjournal.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace Lucent::Ui {

/// An environment's promotions, newest first: this machine's journals (read off the GUI
/// thread) and the cluster's last one, from its promotion Lease (any machine's). Who ran it is
/// in the audit trail and the Services' Events; here, what, when and how it ended.
class PromotionHistory final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionHistory)

public:
    /// @p clusterJournal: the journal in the environment's Lease now (empty when none).
    PromotionHistory(const QString &environment, const Core::Release::PromotionJournal &clusterJournal,
                     const QString &directory, QWidget *parent = nullptr);

    int promotionCount() const;
    /// What the detail pane says of @p journal: its outcome and message, the failed colour's
    /// logs and events, the smoke tests, then the journal.
    static QString detailOf(const Core::Release::PromotionJournal &journal);

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<Core::Release::PromotionJournal> &journals);

    QTableWidget *m_table = nullptr;
    QPlainTextEdit *m_detail = nullptr;
    QLabel *m_empty = nullptr;
    QList<Core::Release::PromotionJournal> m_journals;
    Core::Jobs::LatestJob<QList<Core::Release::PromotionJournal>> m_read{this};
};

} // namespace Lucent::Ui
