#pragma once

class QThread;

namespace Lucent::Core::Kube {

/// The thread that turns bytes from the network into lines and objects (log parsing, watch
/// decoding), so that the GUI thread only receives finished work. One for the process: two
/// cores are shared with the GUI thread, and more parsing threads would only take turns.
/// Started on first use, stopped when the application quits. Objects moved onto it are
/// deleted there (deleteLater) while it runs. Called from the main thread.
QThread *backgroundThread();

} // namespace Lucent::Core::Kube
