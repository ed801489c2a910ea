#pragma once

#include "core/environment/promotionsettings.h"
#include "core/release/promotionengine.h"

namespace Lucent::Core::Release {

/// @p options with what lucent.yaml's `promotion:` section says (@p projectDirectory being where
/// the file is: the smoke test runs there): preview, monitor window, scale-down delay, smoke
/// test, the analysis' timing and its metrics. What a caller sets afterwards wins; the console's
/// wizard and the command line both start from this.
void applyProjectSettings(PromotionOptions &options, const Environment::PromotionSettings &settings,
                          const QString &projectDirectory);

} // namespace Lucent::Core::Release
