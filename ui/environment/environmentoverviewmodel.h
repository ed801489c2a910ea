#pragma once

#include "ui/common/itemroles.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/release/imagesuggestions.h"

#include <QAbstractListModel>
#include <QSet>

namespace Lucent::Core::Release {
struct ServiceStatus;
}

namespace Lucent::Ui {

/// All environments side by side, one row each: connection state, how many services are
/// healthy, progressing or degraded, and the version each service serves. Every row has a
/// light session of its own (what tells which version serves), so all environments stay live.
class EnvironmentOverviewModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentOverviewModel)

public:
    enum Role {
        NameRole = EnvironmentNameRole,
        StateRole = EnvironmentStateRole, ///< EnvironmentSession::State as int
        HealthyRole = EnvironmentHealthyRole, ///< int
        ProgressingRole = EnvironmentProgressingRole,
        DegradedRole = EnvironmentDegradedRole,
        VersionsRole = EnvironmentVersionsRole, ///< QStringList "service version"
        ProtectedRole = EnvironmentProtectedRole, ///< bool
        /// int; -1 when the environment has no Prometheus or it did not answer
        FiringAlertsRole = EnvironmentFiringAlertsRole,
        /// QString: the step of a promotion under way ("switch", "paused", "interrupted at
        /// health"); empty when none
        PromotionRole = EnvironmentPromotionRole,
    };

    explicit EnvironmentOverviewModel(QObject *parent = nullptr);

    /// A new set of environments: the old sessions end, the model resets.
    void setEnvironments(const Lucent::Core::Kube::Kubeconfig &kubeconfig,
                         const QList<Lucent::Core::Environment::Environment> &environments);
    Lucent::Core::Environment::Environment environment(int row) const;
    int rowOf(const QString &name) const;
    /// What every environment but @p except serves now, per service (from the cards' sessions;
    /// an environment not yet listed is left out).
    QList<Lucent::Core::Release::EnvironmentImages> servingImages(const QString &except) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        Lucent::Core::Environment::Environment environment;
        Lucent::Core::Environment::EnvironmentSession *session = nullptr;
        int healthy = 0;
        int progressing = 0;
        int degraded = 0;
        QStringList versions;
        QString promotion; ///< PromotionActivity::shortText()
    };
    void scheduleRecount(Lucent::Core::Environment::EnvironmentSession *session);
    void recount(Lucent::Core::Environment::EnvironmentSession *session);
    void count(Row &row, const Lucent::Core::Release::ServiceStatus &status);
    QString summaryText(const Row &row) const;

    QList<Row> m_rows;
    QSet<Lucent::Core::Environment::EnvironmentSession *> m_pendingRecount;
};

} // namespace Lucent::Ui
