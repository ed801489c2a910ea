#include "sandbox/api/httptransport.h"

#include <httplib.h>

#include <cctype>

namespace lucent::sandbox {

namespace {

constexpr std::size_t WatchThreads = 128;
constexpr std::size_t TransportBodyLimit = 16 * 1024 * 1024; // above the API's own limit, so it answers with a Status

ApiRequest toApiRequest(const httplib::Request &req)
{
    ApiRequest request;
    request.method = req.method;
    request.path = req.path;
    for (const auto &[key, value] : req.params)
        request.query.emplace(key, value);
    for (const auto &[key, value] : req.headers) {
        std::string lower = key;
        for (auto &c : lower)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        request.headers[lower] = value;
    }
    request.body = req.body;
    return request;
}

} // namespace

HttpTransport::HttpTransport(ApiServer &api, const Authenticator &authenticator, std::optional<Identity> anonymous)
    : m_api(api)
    , m_authenticator(authenticator)
    , m_anonymous(std::move(anonymous))
    , m_server(std::make_unique<httplib::Server>())
{
    m_server->new_task_queue = [] { return new httplib::ThreadPool(WatchThreads); };
    m_server->set_payload_max_length(TransportBodyLimit);
    m_server->set_keep_alive_max_count(1000);
    m_server->set_read_timeout(30, 0);
    m_server->set_write_timeout(30, 0);
    m_server->set_tcp_nodelay(true); // headers and body go out in separate writes

    auto handler = [this](const httplib::Request &req, httplib::Response &res) {
        ApiRequest request = toApiRequest(req);
        const std::string authorization = request.header("authorization");
        if (!authorization.empty()) {
            if (auto identity = m_authenticator.fromBearer(authorization)) {
                request.identity = *identity;
                request.authenticated = true;
            }
            // A wrong token is a 401 even where anonymous access would pass.
        } else if (m_anonymous) {
            request.identity = *m_anonymous;
            request.authenticated = true;
        }
        ApiResponse response = m_api.handle(request);
        res.status = response.status;
        if (response.stream) {
            auto stream = std::make_shared<std::function<void(const ChunkWriter &)>>(std::move(response.stream));
            res.set_chunked_content_provider(response.contentType, [stream](std::size_t, httplib::DataSink &sink) {
                (*stream)([&sink](const std::string &chunk) {
                    if (chunk.empty())
                        return sink.is_writable();
                    return sink.write(chunk.data(), chunk.size());
                });
                sink.done();
                return true;
            });
        } else {
            res.set_content(response.body, response.contentType);
        }
    };
    const std::string any = ".*";
    m_server->Get(any, handler);
    m_server->Post(any, handler);
    m_server->Put(any, handler);
    m_server->Patch(any, handler);
    m_server->Delete(any, handler);
}

HttpTransport::~HttpTransport() = default;

int HttpTransport::bind(const std::string &host, int port)
{
    if (port == 0)
        return m_server->bind_to_any_port(host);
    return m_server->bind_to_port(host, port) ? port : -1;
}

bool HttpTransport::serve()
{
    return m_server->listen_after_bind();
}

void HttpTransport::stop()
{
    m_api.stop();
    m_server->stop();
}

} // namespace lucent::sandbox
