#include "sandbox/auth/certificates.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace lucent::sandbox {

namespace {

template<typename T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const char *what)
{
    char reason[256] = "unknown error";
    if (const unsigned long code = ERR_get_error())
        ERR_error_string_n(code, reason, sizeof reason);
    throw std::runtime_error(std::string(what) + ": " + reason);
}

KeyPtr newKey()
{
    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        fail("generating an EC key");
    return key;
}

std::string toPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_X509(bio.get(), cert))
        fail("writing a certificate");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, std::size_t(size));
}

std::string toPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
        fail("writing a private key");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, std::size_t(size));
}

CertPtr fromPem(const std::string &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        fail("reading a certificate");
    return cert;
}

KeyPtr keyFromPem(const std::string &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        fail("reading a private key");
    return key;
}

void addExtension(X509 *cert, X509 *issuer, int nid, const std::string &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext)
        fail("building a certificate extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// An unsigned certificate for @p key with @p subject entries, issued by @p issuer
// (self-issued when null), valid from an hour ago for a year; sign() finishes it.
CertPtr makeCertificate(EVP_PKEY *key, const std::vector<std::pair<std::string, std::string>> &subject, X509 *issuer)
{
    CertPtr cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME *name = X509_get_subject_name(cert.get());
    for (const auto &[field, value] : subject)
        X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(value.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509 *signer = issuer ? issuer : cert.get();
    addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    if (!issuer) {
        addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    }
    return cert;
}

void sign(X509 *cert, EVP_PKEY *key)
{
    if (!X509_sign(cert, key, EVP_sha256()))
        fail("signing a certificate");
}

} // namespace

CertificateAuthority::CertificateAuthority()
{
    KeyPtr key = newKey();
    CertPtr cert = makeCertificate(key.get(), {{"CN", "lucent-sandbox-ca"}, {"O", "Lucent"}}, nullptr);
    sign(cert.get(), key.get());
    m_ca = {toPem(cert.get()), toPem(key.get())};
}

KeyPair CertificateAuthority::issueServer(const std::vector<std::string> &dnsNames,
                                          const std::vector<std::string> &ipAddresses) const
{
    CertPtr caCert = fromPem(m_ca.certificate);
    KeyPtr caKey = keyFromPem(m_ca.privateKey);
    KeyPtr key = newKey();
    CertPtr cert = makeCertificate(key.get(), {{"CN", "lucent-sandbox"}}, caCert.get());
    std::string san;
    for (const auto &dns : dnsNames)
        san += (san.empty() ? "" : ",") + std::string("DNS:") + dns;
    for (const auto &ip : ipAddresses)
        san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    addExtension(cert.get(), caCert.get(), NID_subject_alt_name, san);
    addExtension(cert.get(), caCert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "serverAuth");
    addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE");
    sign(cert.get(), caKey.get());
    return {toPem(cert.get()), toPem(key.get())};
}

KeyPair CertificateAuthority::issueClient(const std::string &commonName,
                                          const std::vector<std::string> &organizations) const
{
    CertPtr caCert = fromPem(m_ca.certificate);
    KeyPtr caKey = keyFromPem(m_ca.privateKey);
    KeyPtr key = newKey();
    std::vector<std::pair<std::string, std::string>> subject;
    for (const auto &o : organizations)
        subject.emplace_back("O", o);
    subject.emplace_back("CN", commonName);
    CertPtr cert = makeCertificate(key.get(), subject, caCert.get());
    addExtension(cert.get(), caCert.get(), NID_key_usage, "critical,digitalSignature");
    addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "clientAuth");
    addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE");
    sign(cert.get(), caKey.get());
    return {toPem(cert.get()), toPem(key.get())};
}

std::string base64(const std::string &data)
{
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const unsigned n = (unsigned char)data[i] << 16 | (unsigned char)data[i + 1] << 8 | (unsigned char)data[i + 2];
        out += {table[n >> 18], table[(n >> 12) & 63], table[(n >> 6) & 63], table[n & 63]};
    }
    if (i + 1 == data.size()) {
        const unsigned n = (unsigned char)data[i] << 16;
        out += {table[n >> 18], table[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == data.size()) {
        const unsigned n = (unsigned char)data[i] << 16 | (unsigned char)data[i + 1] << 8;
        out += {table[n >> 18], table[(n >> 12) & 63], table[(n >> 6) & 63], '='};
    }
    return out;
}

std::optional<std::string> base64Decode(const std::string &text)
{
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '=')
        --end;
    if (text.size() - end > 2)
        return std::nullopt;
    for (std::size_t i = 0; i < end; ++i) {
        const char c = text[i];
        int value = c >= 'A' && c <= 'Z' ? c - 'A'
            : c >= 'a' && c <= 'z'       ? c - 'a' + 26
            : c >= '0' && c <= '9'       ? c - '0' + 52
            : c == '+'                   ? 62
            : c == '/'                   ? 63
                                         : -1;
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 6) | unsigned(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    // A lone sextet cannot end a base64 text.
    if (bits >= 6)
        return std::nullopt;
    return out;
}

} // namespace lucent::sandbox
