#pragma once

#include "sandbox/api/apiserver.h"
#include "sandbox/auth/authenticator.h"

#include <memory>
#include <optional>
#include <string>

namespace httplib {
class Server;
}
struct ssl_st;

namespace lucent::sandbox {

/// Serves an ApiServer over HTTP/1.1 with cpp-httplib: chunked streaming for watches and
/// logs, a thread pool large enough for many open watches, bearer-token authentication.
class HttpTransport
{
public:
    /// @p anonymous is who a request without credentials is: nobody (401) by default. Over
    /// plain HTTP kubectl never sends its token, so the insecure mode trusts every caller
    /// as the admin, like kube-apiserver's old insecure port.
    /// With @p tls (PEM server certificate and key, and the CA that signs client
    /// certificates) it serves HTTPS and accepts client certificates as identities.
    struct Tls {
        std::string certificatePem;
        std::string privateKeyPem;
        std::string clientCaPem;
    };
    HttpTransport(ApiServer &api, const Authenticator &authenticator, std::optional<Identity> anonymous = std::nullopt,
                  const std::optional<Tls> &tls = std::nullopt);
    ~HttpTransport();

    /// Binds to @p host:@p port (0: a free port); returns the port, or -1.
    int bind(const std::string &host, int port);
    /// Serves until stop(); blocks.
    bool serve();
    void stop();

private:
    /// Who sent @p request: a verified client certificate on @p ssl, a bearer token, or the
    /// anonymous identity when there is one.
    void authenticate(ApiRequest &request, const ssl_st *ssl) const;

    ApiServer &m_api;
    const Authenticator &m_authenticator;
    std::optional<Identity> m_anonymous;
    std::unique_ptr<httplib::Server> m_server;
};

} // namespace lucent::sandbox
