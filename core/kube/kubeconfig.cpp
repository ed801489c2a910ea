#include "core/kube/kubeconfig.h"

#include "core/bounds/filebounds.h"
#include "core/bounds/yamlbounds.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

#include <exception>

namespace Lucent::Core::Kube {

namespace {

QString str(const YAML::Node &node, const char *key)
{
    const YAML::Node value = node[key];
    if (!value || !value.IsScalar())
        return {};
    return QString::fromStdString(value.Scalar());
}

bool flag(const YAML::Node &node, const char *key)
{
    const YAML::Node value = node[key];
    return value && value.IsScalar() && value.as<bool>(false);
}

// kubectl resolves relative paths in a kubeconfig against the directory of that file.
QString resolvedPath(const QString &path, const QString &file)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return QFileInfo(file).absoluteDir().filePath(path);
}

int lineOf(const YAML::Node &node)
{
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
}

// Walks a named list ("clusters", "users", "contexts"): each entry is {name, <inner>: {...}}.
// A malformed entry becomes a problem; the entries around it still load.
template<typename Fn>
void forEachNamed(const YAML::Node &root, const char *listKey, const char *innerKey, const QString &file,
                  QList<KubeconfigProblem> &problems, Fn &&fn)
{
    const YAML::Node list = root[listKey];
    if (!list || list.IsNull())
        return;
    if (!list.IsSequence()) {
        problems.append({file, lineOf(list), QStringLiteral("'%1' must be a list.").arg(QLatin1String(listKey))});
        return;
    }
    for (const YAML::Node &entry : list) {
        const QString name = entry.IsMap() ? str(entry, "name") : QString();
        if (name.isEmpty()) {
            problems.append({file, lineOf(entry),
                             QStringLiteral("An entry of '%1' has no name; it is ignored. Give it a 'name:'.")
                                 .arg(QLatin1String(listKey))});
            continue;
        }
        const YAML::Node inner = entry[innerKey];
        if (!inner || !inner.IsMap()) {
            problems.append({file, lineOf(entry),
                             QStringLiteral("%1 '%2' has no '%3:' map; it is ignored.")
                                 .arg(QLatin1String(listKey), name, QLatin1String(innerKey))});
            continue;
        }
        fn(name, inner);
    }
}

ExecConfig parseExec(const YAML::Node &node, const QString &file, const QString &user,
                     QList<KubeconfigProblem> &problems)
{
    ExecConfig exec;
    exec.apiVersion = str(node, "apiVersion");
    exec.command = str(node, "command");
    exec.installHint = str(node, "installHint");
    exec.interactiveMode = str(node, "interactiveMode");
    exec.provideClusterInfo = flag(node, "provideClusterInfo");
    if (const YAML::Node args = node["args"]; args && args.IsSequence()) {
        for (const YAML::Node &arg : args)
            exec.args.append(QString::fromStdString(arg.as<std::string>("")));
    }
    if (const YAML::Node env = node["env"]; env && env.IsSequence()) {
        for (const YAML::Node &entry : env)
            exec.env.append({str(entry, "name"), str(entry, "value")});
    }
    if (exec.command.isEmpty())
        problems.append({file, lineOf(node),
                         QStringLiteral("the exec plugin of user '%1' has no command; add 'command:'.").arg(user)});
    const bool knownVersion = exec.apiVersion == QLatin1String("client.authentication.k8s.io/v1")
        || exec.apiVersion == QLatin1String("client.authentication.k8s.io/v1beta1");
    if (!knownVersion)
        problems.append({file, lineOf(node),
                         QStringLiteral("the exec plugin of user '%1' has apiVersion '%2'; use "
                                        "client.authentication.k8s.io/v1 or v1beta1.")
                             .arg(user, exec.apiVersion)});
    return exec;
}

template<typename T> void appendMissing(QList<T> &into, const QList<T> &from)
{
    for (const T &item : from) {
        const bool known = std::any_of(into.cbegin(), into.cend(), [&](const T &t) { return t.name == item.name; });
        if (!known)
            into.append(item);
    }
}

template<typename T> const T *findByName(const QList<T> &list, const QString &name)
{
    auto it = std::find_if(list.cbegin(), list.cend(), [&](const T &t) { return t.name == name; });
    return it == list.cend() ? nullptr : &*it;
}

} // namespace

QString KubeconfigProblem::sentence() const
{
    const QString where
        = line > 0 ? QStringLiteral("In %1, line %2: ").arg(file).arg(line) : QStringLiteral("In %1: ").arg(file);
    return where + message;
}

QString authMethodName(AuthMethod method)
{
    switch (method) {
    case AuthMethod::Token: return QStringLiteral("bearer token");
    case AuthMethod::TokenFile: return QStringLiteral("token file");
    case AuthMethod::BasicAuth: return QStringLiteral("username and password");
    case AuthMethod::ClientCertificate: return QStringLiteral("client certificate");
    case AuthMethod::Exec: return QStringLiteral("exec plugin");
    case AuthMethod::AuthProvider: return QStringLiteral("auth provider");
    }
    return {};
}

const KubeconfigCluster *Kubeconfig::cluster(const QString &name) const
{
    return findByName(clusters, name);
}
const KubeconfigUser *Kubeconfig::user(const QString &name) const
{
    return findByName(users, name);
}
const KubeconfigContext *Kubeconfig::context(const QString &name) const
{
    return findByName(contexts, name);
}

QStringList Kubeconfig::locate(const QString &explicitPath, const QString &kubeconfigEnv)
{
    if (!explicitPath.isEmpty())
        return {explicitPath};
    QStringList files;
    for (const QString &entry : kubeconfigEnv.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        if (!files.contains(entry))
            files.append(entry);
    }
    if (files.isEmpty())
        files.append(QDir::homePath() + QStringLiteral("/.kube/config"));
    return files;
}

namespace {

Kubeconfig parseKubeconfig(const QByteArray &yaml, const QString &fileName)
{
    Kubeconfig config;
    config.files.append(fileName);
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        config.problems.append(
            {fileName, e.mark.is_null() ? 0 : e.mark.line + 1,
             QStringLiteral("the YAML is malformed (%1). Fix the file, or remove it from KUBECONFIG.")
                 .arg(QString::fromStdString(e.msg))});
        return config;
    }
    if (const QString bound = YamlBounds::problem(root); !bound.isEmpty()) {
        config.problems.append(
            {fileName, 0, QStringLiteral("%1 Fix the file, or remove it from KUBECONFIG.").arg(bound)});
        return config;
    }
    if (root.IsNull())
        return config; // an empty file is a valid, empty kubeconfig
    if (!root.IsMap()) {
        config.problems.append({fileName, lineOf(root),
                                QStringLiteral("a kubeconfig must be a YAML map with clusters, users and contexts.")});
        return config;
    }
    try {
        // *-data fields are base64; a broken one is a problem that names the field and entry.
        auto data = [&](const YAML::Node &node, const char *key, const QString &entry) {
            const QString text = str(node, key);
            if (text.isEmpty())
                return QByteArray();
            auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                config.problems.append({fileName, lineOf(node[key]),
                                        QStringLiteral("%1 of '%2' is not valid base64. Paste the PEM file "
                                                       "through 'base64 -w0'.")
                                            .arg(QLatin1String(key), entry)});
                return QByteArray();
            }
            return *decoded;
        };
        forEachNamed(root, "clusters", "cluster", fileName, config.problems,
                     [&](const QString &name, const YAML::Node &c) {
                         KubeconfigCluster cluster{name,
                                                   str(c, "server"),
                                                   flag(c, "insecure-skip-tls-verify"),
                                                   !str(c, "certificate-authority").isEmpty()
                                                       || !str(c, "certificate-authority-data").isEmpty(),
                                                   str(c, "tls-server-name"),
                                                   str(c, "proxy-url"),
                                                   fileName,
                                                   resolvedPath(str(c, "certificate-authority"), fileName),
                                                   data(c, "certificate-authority-data", name)};
                         if (cluster.server.isEmpty())
                             config.problems.append({fileName, lineOf(c),
                                                     QStringLiteral("cluster '%1' has no server address; add "
                                                                    "'server: https://HOST:PORT'.")
                                                         .arg(name)});
                         config.clusters.append(cluster);
                     });
        forEachNamed(root, "users", "user", fileName, config.problems, [&](const QString &name, const YAML::Node &u) {
            KubeconfigUser user{name, {}, {}, fileName, {}};
            KubeconfigCredentials &credentials = user.credentials;
            credentials.token = str(u, "token").toUtf8();
            credentials.tokenFile = resolvedPath(str(u, "tokenFile"), fileName);
            credentials.username = str(u, "username");
            credentials.password = str(u, "password").toUtf8();
            credentials.clientCertificateFile = resolvedPath(str(u, "client-certificate"), fileName);
            credentials.clientCertificateData = data(u, "client-certificate-data", name);
            credentials.clientKeyFile = resolvedPath(str(u, "client-key"), fileName);
            credentials.clientKeyData = data(u, "client-key-data", name);
            if (!str(u, "token").isEmpty())
                user.methods.append(AuthMethod::Token);
            if (!str(u, "tokenFile").isEmpty())
                user.methods.append(AuthMethod::TokenFile);
            if (!str(u, "username").isEmpty())
                user.methods.append(AuthMethod::BasicAuth);
            if (!str(u, "client-certificate").isEmpty() || !str(u, "client-certificate-data").isEmpty())
                user.methods.append(AuthMethod::ClientCertificate);
            if (u["exec"] && u["exec"].IsMap()) {
                user.methods.append(AuthMethod::Exec);
                user.execCommand = str(u["exec"], "command");
                credentials.hasExec = true;
                credentials.exec = parseExec(u["exec"], fileName, name, config.problems);
            }
            if (u["auth-provider"])
                user.methods.append(AuthMethod::AuthProvider);
            config.users.append(user);
        });
        forEachNamed(
            root, "contexts", "context", fileName, config.problems, [&](const QString &name, const YAML::Node &c) {
                config.contexts.append({name, str(c, "cluster"), str(c, "user"), str(c, "namespace"), fileName});
            });
        config.currentContext = str(root, "current-context");
    } catch (const YAML::Exception &e) {
        // Type errors inside an entry (a list where a string belongs, a non-boolean flag).
        config.problems.append({fileName, e.mark.is_null() ? 0 : e.mark.line + 1,
                                QStringLiteral("unexpected value (%1).").arg(QString::fromStdString(e.msg))});
    }
    for (const KubeconfigContext &context : std::as_const(config.contexts)) {
        if (context.cluster.isEmpty())
            config.problems.append({fileName, 0, QStringLiteral("context '%1' names no cluster.").arg(context.name)});
    }
    return config;
}

} // namespace

Kubeconfig Kubeconfig::parse(const QByteArray &yaml, const QString &fileName)
{
    // yaml-cpp throws when a node is converted to what it is not (a mapping used as a key's text):
    // whatever slipped past the checks above is a problem with the file, never the end of the process.
    try {
        return parseKubeconfig(yaml, fileName);
    } catch (const std::exception &e) {
        Kubeconfig config;
        config.problems.append({fileName, 0,
                                QStringLiteral("the file could not be read as a kubeconfig (%1). Fix the file, or "
                                               "remove it from KUBECONFIG.")
                                    .arg(QString::fromUtf8(e.what()))});
        return config;
    }
}

void Kubeconfig::mergeFrom(const Kubeconfig &other)
{
    for (const QString &file : other.files) {
        if (!files.contains(file))
            files.append(file);
    }
    appendMissing(clusters, other.clusters);
    appendMissing(users, other.users);
    appendMissing(contexts, other.contexts);
    if (currentContext.isEmpty())
        currentContext = other.currentContext;
    problems.append(other.problems);
}

Kubeconfig Kubeconfig::load(const QStringList &files, bool missingIsProblem)
{
    Kubeconfig merged;
    for (const QString &path : files) {
        if (!QFileInfo::exists(path)) {
            if (missingIsProblem)
                merged.problems.append(
                    {path, 0, QStringLiteral("the file does not exist. Check the path given to --kubeconfig.")});
            continue;
        }
        QString error;
        const auto text = FileBounds::read(path, FileBounds::MaxDocumentBytes, &error);
        if (!text) {
            merged.problems.append(
                {path, 0,
                 QStringLiteral("the file %1. Check the path given to --kubeconfig or KUBECONFIG.").arg(error)});
            continue;
        }
        merged.mergeFrom(parse(*text, path));
    }
    if (!merged.currentContext.isEmpty() && !merged.context(merged.currentContext) && !merged.files.isEmpty()) {
        merged.problems.append(
            {merged.files.constFirst(), 0,
             QStringLiteral("current-context '%1' is not defined in any file; pick a context from the list.")
                 .arg(merged.currentContext)});
    }
    return merged;
}

} // namespace Lucent::Core::Kube
