#pragma once

#include "sandbox/auth/authorizer.h"

#include <map>
#include <optional>
#include <string>

namespace lucent::sandbox {

/// Maps credentials to identities: bearer tokens, and (over TLS) the subject of a verified
/// client certificate. The sandbox makes one token per built-in user at start.
class Authenticator
{
public:
    /// Creates random tokens for lucent-admin, lucent-deployer (writes in @p deployerNamespaces)
    /// and lucent-viewer.
    explicit Authenticator(const std::vector<std::string> &deployerNamespaces);

    /// The identity of "Bearer <token>", nullopt for an unknown token.
    std::optional<Identity> fromBearer(const std::string &authorizationHeader) const;
    /// The identity of a client certificate subject (CN = user, O = groups).
    std::optional<Identity> fromCertificate(const std::string &commonName,
                                            const std::vector<std::string> &organizations) const;

    /// The token of a built-in user ("lucent-admin", "lucent-deployer", "lucent-viewer").
    std::string tokenOf(const std::string &user) const;

private:
    std::map<std::string, Identity> m_byToken;
    std::vector<std::string> m_deployerNamespaces;
};

} // namespace lucent::sandbox
