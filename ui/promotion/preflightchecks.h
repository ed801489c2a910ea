#pragma once

#include "core/release/promotionplan.h"
#include "core/release/promotionpreflight.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QTableWidget;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

/// The plan page's preflight: each check the engine makes before it takes the lock (access,
/// the lock's holder, the active rollouts, Prometheus, firing alerts) as a row with its verdict
/// and sentence, all of them run (not only up to the first failure), and the acknowledgement
/// that lets firing alerts through. Read-only: the engine checks again when it starts.
class PreflightChecks final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreflightChecks)

public:
    enum Row { AccessRow, LockRow, RolloutsRow, PrometheusRow, AlertsRow, RowCount };

    explicit PreflightChecks(QWidget *parent = nullptr);
    ~PreflightChecks() override;

    /// Checks @p plan in @p session's environment (with its Prometheus when @p analysis).
    void run(Core::Environment::EnvironmentSession *session, const Core::Release::PromotionPlan &plan, bool analysis);
    bool isRunning() const { return m_running; }
    /// A check failed that stops the promotion (firing alerts do not, once acknowledged).
    bool blocks() const;
    bool alertsAcknowledged() const;
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    /// A verdict arrived, the checks finished, or the acknowledgement changed.
    void changed();

private:
    void setRow(Row row, const QString &verdict, const QString &sentence);
    void checkLock(Core::Environment::EnvironmentSession *session);

    QTableWidget *m_table = nullptr;
    QCheckBox *m_acknowledge = nullptr;
    std::unique_ptr<Core::Release::PromotionPreflight> m_preflight;
    QList<bool> m_failed;
    bool m_running = false;
};

} // namespace Lucent::Ui
