#pragma once

#include <QPalette>

namespace Lucent::Ui {

/// Whether @p palette draws light text on a dark base: the one test the console's own
/// colours (levels, diff lines, problem marks) use to pick their light or dark variant.
inline bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace Lucent::Ui
