#include "sandbox/auth/authenticator.h"

#include <algorithm>
#include <random>

namespace lucent::sandbox {

namespace {

std::string randomToken()
{
    std::random_device device;
    static const char *alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string token;
    for (int i = 0; i < 40; ++i)
        token += alphabet[device() % 36];
    return token;
}

Identity::Role roleOfUser(const std::string &user, const std::vector<std::string> &groups)
{
    auto has = [&](const char *g) { return std::find(groups.begin(), groups.end(), g) != groups.end(); };
    if (user == "lucent-admin" || has("system:masters") || has("lucent:admins"))
        return Identity::Role::Admin;
    if (user == "lucent-deployer" || has("lucent:deployers"))
        return Identity::Role::Deployer;
    if (user == "lucent-viewer" || has("lucent:viewers"))
        return Identity::Role::Viewer;
    return Identity::Role::None;
}

} // namespace

Authenticator::Authenticator(const std::vector<std::string> &deployerNamespaces)
    : m_deployerNamespaces(deployerNamespaces)
{
    for (const char *user : {"lucent-admin", "lucent-deployer", "lucent-viewer"}) {
        Identity identity{user, {"system:authenticated"}, roleOfUser(user, {}), deployerNamespaces};
        m_byToken[randomToken()] = identity;
    }
}

std::optional<Identity> Authenticator::fromBearer(const std::string &header) const
{
    const std::string prefix = "Bearer ";
    if (header.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    auto it = m_byToken.find(header.substr(prefix.size()));
    if (it == m_byToken.end())
        return std::nullopt;
    return it->second;
}

std::optional<Identity> Authenticator::fromCertificate(const std::string &commonName,
                                                       const std::vector<std::string> &organizations) const
{
    if (commonName.empty())
        return std::nullopt;
    Identity identity{commonName, organizations, roleOfUser(commonName, organizations), m_deployerNamespaces};
    identity.groups.push_back("system:authenticated");
    return identity;
}

std::string Authenticator::tokenOf(const std::string &user) const
{
    for (const auto &[token, identity] : m_byToken) {
        if (identity.user == user)
            return token;
    }
    return {};
}

} // namespace lucent::sandbox
