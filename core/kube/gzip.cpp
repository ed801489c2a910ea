#include "core/kube/gzip.h"

#include <zlib.h>

namespace Lucent::Core::Kube {

std::optional<QByteArray> gunzip(const QByteArray &compressed, qsizetype limit)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) // 16: expect a gzip header
        return std::nullopt;
    QByteArray out;
    out.resize(std::min<qsizetype>(limit, std::max<qsizetype>(compressed.size() * 8, qsizetype(64) * 1024)));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (qsizetype(stream.total_out) == out.size()) {
            if (out.size() >= limit) {
                inflateEnd(&stream);
                return std::nullopt;
            }
            out.resize(std::min(limit, out.size() * 2));
        }
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + stream.total_out);
        stream.avail_out = uInt(out.size() - qsizetype(stream.total_out));
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            return std::nullopt;
        }
        if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream); // the input ended before the gzip stream did
            return std::nullopt;
        }
    }
    out.resize(qsizetype(stream.total_out));
    inflateEnd(&stream);
    return out;
}

QByteArray gunzipPrefix(const QByteArray &compressed, qsizetype bytes)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        return {};
    QByteArray out(bytes, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int status = inflate(&stream, Z_SYNC_FLUSH);
    const bool usable = status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR;
    out.resize(usable ? qsizetype(stream.total_out) : 0);
    inflateEnd(&stream);
    return out;
}

} // namespace Lucent::Core::Kube
