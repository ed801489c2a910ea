#pragma once

#include "core/commandline/commandline.h"

namespace Lucent::Ui {

/// Applies --theme: System keeps the platform's style and palette; Light and Dark use
/// Fusion with a palette of our own, so the choice looks the same on every desktop.
void applyTheme(Lucent::Core::CommandLine::Theme theme);

} // namespace Lucent::Ui
