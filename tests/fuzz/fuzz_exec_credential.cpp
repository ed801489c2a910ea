// libFuzzer target: any bytes as the standard output of a kubeconfig's exec credential plugin
// (an ExecCredential of client.authentication.k8s.io v1 or v1beta1, the first byte chooses),
// read as the console reads it: token, client certificate and key, expiry.

#include "core/kube/clusterconnection.h"
#include "core/kube/execcredentialplugin.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using Lucent::Core::Kube::ExecCredentialPlugin;
    if (size == 0)
        return 0;
    const QString version = data[0] & 1 ? QStringLiteral("client.authentication.k8s.io/v1beta1")
                                        : QStringLiteral("client.authentication.k8s.io/v1");
    const QByteArray output(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QString error;
    const auto credential = ExecCredentialPlugin::parse(output, version, &error);
    if (!credential) {
        (void)error.size();
        return 0;
    }
    // What the client does with a certificate credential.
    (void)QSslCertificate::fromData(credential->clientCertificatePem, QSsl::Pem).size();
    (void)Lucent::Core::Kube::ConnectionResolver::readPrivateKey(credential->clientKeyPem).isNull();
    return 0;
}
