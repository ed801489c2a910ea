#include "core/kube/execcredentialplugin.h"

#include "core/logging/redaction.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

namespace Lucent::Core::Kube {

namespace {

// A plugin that hangs (waiting for a browser login that never comes) must not hold the
// console's requests forever.
constexpr int PluginTimeoutMs = 120000;

} // namespace

ExecCredentialPlugin::ExecCredentialPlugin(ExecConfig config, QUrl server, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_server(std::move(server))
{
}

ExecCredentialPlugin::~ExecCredentialPlugin()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000); // the process is ours; do not leave a zombie behind
    }
}

std::optional<ExecCredential> ExecCredentialPlugin::cached() const
{
    if (m_credential && m_credential->isValidAt(QDateTime::currentDateTimeUtc()))
        return m_credential;
    return std::nullopt;
}

void ExecCredentialPlugin::invalidate()
{
    m_credential.reset();
}

QByteArray ExecCredentialPlugin::execInfo() const
{
    QJsonObject spec{{QStringLiteral("interactive"), false}};
    if (m_config.provideClusterInfo)
        spec.insert(QStringLiteral("cluster"), QJsonObject{{QStringLiteral("server"), m_server.toString()}});
    const QJsonObject info{{QStringLiteral("apiVersion"), m_config.apiVersion},
                           {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                           {QStringLiteral("spec"), spec}};
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

void ExecCredentialPlugin::request()
{
    if (m_process)
        return; // one run serves every request waiting for it
    if (m_config.interactiveMode == QLatin1String("Always")) {
        Q_EMIT failed(ApiError::credentials(
            QStringLiteral("The exec plugin '%1' needs a terminal (interactiveMode: Always), which the console "
                           "does not have. Log in with it in a terminal first, or set interactiveMode to Never.")
                .arg(m_config.command)));
        return;
    }
    ++m_runs;
    auto *process = new QProcess(this);
    m_process = process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : std::as_const(m_config.env))
        environment.insert(name, value);
    environment.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(execInfo()));
    process->setProcessEnvironment(environment);
    process->setProgram(m_config.command);
    process->setArguments(m_config.args);
    process->setStandardInputFile(QProcess::nullDevice()); // interactiveMode Never: no prompts
    connect(process, &QProcess::finished, this, [this, process](int exitCode, QProcess::ExitStatus status) {
        if (process == m_process)
            onFinished(exitCode, status == QProcess::CrashExit);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (process == m_process && error == QProcess::FailedToStart)
            onFailedToStart();
    });
    QTimer::singleShot(PluginTimeoutMs, process, [process] { process->kill(); });
    process->start();
}

void ExecCredentialPlugin::onFailedToStart()
{
    QPointer<QProcess> process = m_process;
    m_process = nullptr;
    if (process)
        process->deleteLater();
    QString text = QStringLiteral("The kubeconfig's exec plugin '%1' could not be started: it is not installed or "
                                  "not on PATH.")
                       .arg(m_config.command);
    if (!m_config.installHint.isEmpty())
        text += QLatin1Char(' ') + m_config.installHint.trimmed();
    Q_EMIT failed(ApiError::credentials(text));
}

void ExecCredentialPlugin::onFinished(int exitCode, bool crashed)
{
    QProcess *process = m_process;
    m_process = nullptr;
    const QByteArray output = process->readAllStandardOutput();
    // A plugin's stderr may echo secrets; redact before it reaches a sentence.
    const QString errorText
        = Redaction::redact(QString::fromUtf8(process->readAllStandardError()).trimmed()).right(400);
    process->deleteLater();
    if (crashed || exitCode != 0) {
        Q_EMIT failed(ApiError::credentials(
            QStringLiteral("The exec plugin '%1' failed (%2)%3. Run it in a terminal to see why, e.g. to log in again.")
                .arg(m_config.command,
                     crashed ? QStringLiteral("it crashed or timed out") : QStringLiteral("exit code %1").arg(exitCode),
                     errorText.isEmpty() ? QString() : QStringLiteral(": ") + errorText)));
        return;
    }
    QString why;
    auto credential = parse(output, m_config.apiVersion, &why);
    if (!credential) {
        Q_EMIT failed(ApiError::credentials(
            QStringLiteral("The exec plugin '%1' printed no usable credential: %2.").arg(m_config.command, why)));
        return;
    }
    m_credential = credential;
    Q_EMIT credentialReady(*credential);
}

std::optional<ExecCredential> ExecCredentialPlugin::parse(const QByteArray &output, const QString &expectedApiVersion,
                                                          QString *error)
{
    QJsonParseError parseError{};
    const QJsonObject root = QJsonDocument::fromJson(output, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || root.isEmpty()) {
        *error = QStringLiteral("its output is not a JSON ExecCredential");
        return std::nullopt;
    }
    if (root.value(QLatin1String("kind")).toString() != QLatin1String("ExecCredential")) {
        *error = QStringLiteral("its output has kind '%1', not ExecCredential")
                     .arg(root.value(QLatin1String("kind")).toString());
        return std::nullopt;
    }
    const QString apiVersion = root.value(QLatin1String("apiVersion")).toString();
    if (!expectedApiVersion.isEmpty() && apiVersion != expectedApiVersion) {
        *error = QStringLiteral("it answered with apiVersion '%1' but the kubeconfig asks for '%2'")
                     .arg(apiVersion, expectedApiVersion);
        return std::nullopt;
    }
    const QJsonObject status = root.value(QLatin1String("status")).toObject();
    ExecCredential credential;
    credential.token = status.value(QLatin1String("token")).toString().toUtf8();
    credential.clientCertificatePem = status.value(QLatin1String("clientCertificateData")).toString().toUtf8();
    credential.clientKeyPem = status.value(QLatin1String("clientKeyData")).toString().toUtf8();
    const QString expiration = status.value(QLatin1String("expirationTimestamp")).toString();
    if (!expiration.isEmpty()) {
        credential.expiration = QDateTime::fromString(expiration, Qt::ISODateWithMs);
        if (!credential.expiration.isValid()) {
            *error = QStringLiteral("its expirationTimestamp '%1' is not an RFC 3339 time").arg(expiration);
            return std::nullopt;
        }
    }
    const bool hasCertificate = !credential.clientCertificatePem.isEmpty() && !credential.clientKeyPem.isEmpty();
    if (credential.token.isEmpty() && !hasCertificate) {
        *error = QStringLiteral("its status has neither a token nor clientCertificateData with clientKeyData");
        return std::nullopt;
    }
    return credential;
}

} // namespace Lucent::Core::Kube
