#pragma once

#include <Qt>

namespace Lucent::Ui {

/// Every item data role of the console's models, in one enum so that no two collide: a
/// proxy or delegate that asks one model's role of another gets nothing rather than a
/// wrong value. Models name their roles after these (ProblemsModel::FileRole = ProblemFileRole).
enum ItemRole {
    SortRole = Qt::UserRole + 1, ///< a value that sorts correctly (numbers as numbers)
    IsCurrentRole, ///< bool: the row is the active context / environment

    ServiceStateRole, ///< ServicesTableModel
    ServiceNameRole,
    ServiceStaleRole, ///< bool: the cell is not confirmed by a live source (cluster or Prometheus)
    ServiceDeploymentRole, ///< the Deployment of the live colour: what the row's actions act on

    AlertLabelsRole, ///< AlertsModel
    AlertSilencedByRole,
    AlertGroupRole,

    EnvironmentNameRole, ///< EnvironmentOverviewModel
    EnvironmentStateRole,
    EnvironmentHealthyRole,
    EnvironmentProgressingRole,
    EnvironmentDegradedRole,
    EnvironmentVersionsRole,
    EnvironmentProtectedRole,
    EnvironmentFiringAlertsRole,
    EnvironmentPromotionRole,

    LogSourceRole, ///< LogModel
    LogNanosRole,
    LogRawTextRole,
    LogHighlightedRole,

    ProblemFileRole, ///< ProblemsModel
    ProblemLineRole,
    ProblemColumnRole,
    ProblemSeverityRole,
    ProblemRuleRole,

    UsageHistoryRole, ///< QVariantList of numbers, older to newer: UsageDelegate's sparkline
    UsageFractionRole, ///< a number in [0, 1]: UsageDelegate's bar

    FirstFreeRole ///< the next model's roles start here
};

} // namespace Lucent::Ui
