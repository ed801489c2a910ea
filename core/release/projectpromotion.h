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

/// What the caller of a resume or abort chose itself, which the journal does not override.
struct ChosenOptions {
    bool analysis = false; ///< --analysis given
    bool monitor = false; ///< --monitor given
    bool scaleDownDelay = false; ///< --scale-down-delay given
};

/// A resumed or aborted promotion runs with the options it was started with (@p journalled),
/// wherever the caller did not choose otherwise: with or without analysis and previews, the same
/// windows. A journal written before options were kept changes nothing.
void applyJournalledOptions(PromotionOptions &options, const JournalOptions &journalled, ChosenOptions chosen = {});

} // namespace Lucent::Core::Release
