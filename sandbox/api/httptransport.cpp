#include "sandbox/api/httptransport.h"

#include "sandbox/api/execsession.h"
#include "sandbox/api/upgradableserver.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

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

template<typename T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const { Free(p); }
};

// Configures the TLS context from PEM in memory. Client certificates are asked for and
// checked against the CA, but not required: token users connect without one.
bool setupTls(SSL_CTX &ctx, const HttpTransport::Tls &tls)
{
    auto readPem = [](const std::string &pem) { return BIO_new_mem_buf(pem.data(), int(pem.size())); };
    std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>> certBio(readPem(tls.certificatePem)),
        keyBio(readPem(tls.privateKeyPem)), caBio(readPem(tls.clientCaPem));
    std::unique_ptr<X509, Deleter<X509, X509_free>> cert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    X509 *ca = PEM_read_bio_X509(caBio.get(), nullptr, nullptr, nullptr);
    if (!cert || !key || !ca)
        return false;
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    if (SSL_CTX_use_certificate(&ctx, cert.get()) != 1 || SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1)
        return false;
    X509_STORE_add_cert(SSL_CTX_get_cert_store(&ctx), ca);
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca)));
    SSL_CTX_set_client_CA_list(&ctx, names);
    X509_free(ca);
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
    return true;
}

// The identity of a verified client certificate: CN is the user, each O a group.
std::optional<Identity> certificateIdentity(const SSL *ssl, const Authenticator &authenticator)
{
    if (!ssl)
        return std::nullopt;
    std::unique_ptr<X509, Deleter<X509, X509_free>> peer(SSL_get1_peer_certificate(ssl));
    if (!peer || SSL_get_verify_result(ssl) != X509_V_OK)
        return std::nullopt;
    X509_NAME *subject = X509_get_subject_name(peer.get());
    auto entries = [&](int nid) {
        std::vector<std::string> values;
        for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0;
             i = X509_NAME_get_index_by_NID(subject, nid, i)) {
            ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
            unsigned char *utf8 = nullptr;
            const int length = ASN1_STRING_to_UTF8(&utf8, data);
            if (length >= 0)
                values.emplace_back(reinterpret_cast<char *>(utf8), std::size_t(length));
            OPENSSL_free(utf8);
        }
        return values;
    };
    const auto commonNames = entries(NID_commonName);
    return authenticator.fromCertificate(commonNames.empty() ? std::string() : commonNames.front(),
                                         entries(NID_organizationName));
}

} // namespace

HttpTransport::HttpTransport(ApiServer &api, const Authenticator &authenticator, std::optional<Identity> anonymous,
                             const std::optional<Tls> &tls)
    : m_api(api)
    , m_authenticator(authenticator)
    , m_anonymous(std::move(anonymous))
{
    if (tls) {
        const Tls config = *tls;
        m_server = std::make_unique<UpgradableSslServer>([config](SSL_CTX &ctx) { return setupTls(ctx, config); });
    } else {
        m_server = std::make_unique<UpgradableServer>();
    }
    m_server->new_task_queue = [] { return new httplib::ThreadPool(WatchThreads); };
    m_server->set_payload_max_length(TransportBodyLimit);
    m_server->set_keep_alive_max_count(1000);
    m_server->set_read_timeout(30, 0);
    m_server->set_write_timeout(30, 0);
    m_server->set_tcp_nodelay(true); // headers and body go out in separate writes

    auto handler = [this](const httplib::Request &req, httplib::Response &res) {
        ApiRequest request = toApiRequest(req);
        authenticate(request, req.ssl);
        ApiResponse response = m_api.handle(request);
        res.status = response.status;
        for (const auto &[name, value] : response.headers)
            res.set_header(name, value);
        for (const auto &warning : response.warnings) {
            std::string quoted;
            for (char c : warning)
                quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
            res.set_header("Warning", "299 - \"" + quoted + "\"");
        }
        if (response.stream) {
            // cpp-httplib would gzip a stream when the client accepts it (Go clients always
            // do), and the compressor holds events back until its buffer fills. Streams go
            // out uncompressed: the header only steers the response, so dropping it is safe.
            const_cast<httplib::Request &>(req).headers.erase("Accept-Encoding");
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
    const UpgradeHandler upgrade = [this](Connection &connection, const std::string &head) {
        serveUpgrade(connection, head, [this, &connection](ApiRequest &request) {
            authenticate(request, connection.ssl());
            return m_api.handle(request);
        });
    };
    if (auto *secure = dynamic_cast<UpgradableSslServer *>(m_server.get()))
        secure->onUpgrade = upgrade;
    else
        static_cast<UpgradableServer *>(m_server.get())->onUpgrade = upgrade;
    const std::string any = ".*";
    m_server->Get(any, handler);
    m_server->Post(any, handler);
    m_server->Put(any, handler);
    m_server->Patch(any, handler);
    m_server->Delete(any, handler);
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::authenticate(ApiRequest &request, const SSL *ssl) const
{
    const std::string authorization = request.header("authorization");
    if (auto identity = certificateIdentity(ssl, m_authenticator)) {
        request.identity = *identity;
        request.authenticated = true;
    } else if (!authorization.empty()) {
        if (auto identity = m_authenticator.fromBearer(authorization)) {
            request.identity = *identity;
            request.authenticated = true;
        }
        // A wrong token is a 401 even where anonymous access would pass.
    } else if (m_anonymous) {
        request.identity = *m_anonymous;
        request.authenticated = true;
    }
}

int HttpTransport::bind(const std::string &host, int port)
{
    if (!m_server->is_valid())
        return -1;
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
