// libFuzzer target: any bytes as one page of a list answer, plain or gzip-compressed (the
// first byte chooses), decoded as the resource caches decode pages, with every item summarised
// as a pod, and its continue token read ahead as the caches read it.

#include "core/kube/listpage.h"
#include "core/kube/podstatus.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core::Kube;
    if (size == 0)
        return 0;
    const bool gzip = data[0] & 1;
    const QByteArray raw(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    (void)peekContinueToken(raw, gzip).size();
    const ListPage page = decodeListPage(raw, gzip, QStringLiteral("GET /api/v1/pods"));
    if (page.apiError.isError())
        (void)page.apiError.sentence();
    for (const QJsonObject &item : page.items)
        (void)PodStatus::of(item).lastState.size();
    return 0;
}
