// libFuzzer target: any bytes as an error answer of an API server (the first two bytes choose
// the HTTP status): a metav1.Status, a proxy's HTML page or anything else, turned into the
// ApiError and the sentence the console shows.

#include "core/kube/apierror.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using Lucent::Core::Kube::ApiError;
    if (size < 2)
        return 0;
    const int status = 100 + (data[0] << 8 | data[1]) % 500;
    const QByteArray body(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const ApiError error = ApiError::fromResponse(status, body, QStringLiteral("PATCH /apis/apps/v1/deployments"));
    (void)error.sentence();
    (void)error.isTransient();
    (void)error.isGone();
    (void)error.isResourceVersionTooLarge();
    return 0;
}
