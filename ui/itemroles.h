#pragma once

#include <Qt>

namespace Lucent::Ui {

/// Item data roles shared by the console's models.
enum ItemRole {
    SortRole = Qt::UserRole + 1, ///< a value that sorts correctly (numbers as numbers)
    IsCurrentRole, ///< bool: the row is the active context / environment
};

} // namespace Lucent::Ui
