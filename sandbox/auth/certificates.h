#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lucent::sandbox {

/// A PEM certificate and its PEM private key.
struct KeyPair {
    std::string certificate;
    std::string privateKey;
};

/// The sandbox's own small PKI for --tls: a self-signed CA (EC P-256), a server
/// certificate for 127.0.0.1/localhost, and client certificates (CN = user, O = groups, as
/// Kubernetes reads them).
class CertificateAuthority
{
public:
    /// Creates a new CA; throws std::runtime_error with OpenSSL's reason when that fails.
    CertificateAuthority();

    const KeyPair &ca() const { return m_ca; }
    KeyPair issueServer(const std::vector<std::string> &dnsNames, const std::vector<std::string> &ipAddresses) const;
    KeyPair issueClient(const std::string &commonName, const std::vector<std::string> &organizations) const;

private:
    KeyPair m_ca;
};

/// base64 of @p data, as kubeconfig's *-data fields hold it.
std::string base64(const std::string &data);
/// The bytes of standard base64 @p text (padding optional), or nullopt when it is not base64,
/// as Go's encoding/json reads a []byte field.
std::optional<std::string> base64Decode(const std::string &text);

} // namespace lucent::sandbox
