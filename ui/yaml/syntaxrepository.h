#pragma once

namespace KSyntaxHighlighting {
class Repository;
}

namespace Lucent::Ui {

/// The process-wide KSyntaxHighlighting repository. Loading the definitions takes a moment,
/// so every view shares one, created on first use on the GUI thread.
KSyntaxHighlighting::Repository &syntaxRepository();

/// The KSyntaxHighlighting version the console is linked with.
const char *syntaxHighlightingVersion();

} // namespace Lucent::Ui
