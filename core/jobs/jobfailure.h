#pragma once

#include <QException>
#include <QFuture>
#include <QString>

namespace Lucent::Core::Jobs {

/// What a finished run threw, as a sentence; empty when it did not throw. QtConcurrent keeps
/// the exception, and waiting on the future throws it again, here.
template<typename T> QString failureOf(QFuture<T> &future)
{
    try {
        future.waitForFinished();
    } catch (const QUnhandledException &unhandled) {
        try {
            if (unhandled.exception())
                std::rethrow_exception(unhandled.exception());
        } catch (const std::exception &e) {
            return QString::fromLocal8Bit(e.what());
        } catch (...) {
        }
        return QStringLiteral("an exception of an unknown kind");
    } catch (const std::exception &e) {
        return QString::fromLocal8Bit(e.what());
    } catch (...) {
        return QStringLiteral("an exception of an unknown kind");
    }
    return {};
}

} // namespace Lucent::Core::Jobs
