#include "core/environment/projectconfig.h"

#include "core/bounds/filebounds.h"

#include "core/bounds/yamlbounds.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <yaml-cpp/yaml.h>

#include <exception>

namespace Lucent::Core::Environment {

QMap<QString, QString> Environment::alertScope() const
{
    if (!alertLabels.isEmpty())
        return alertLabels;
    if (namespaceName.isEmpty())
        return {};
    return {{QStringLiteral("namespace"), namespaceName}};
}

namespace {

int lineOf(const YAML::Node &node)
{
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
}

// DNS-1123 labels, as Kubernetes names namespaces; environment names follow the same rule
// so that they can be typed in a confirmation without surprises.
bool isDnsLabel(const QString &text)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"));
    return label.match(text).hasMatch();
}

// Prometheus' label names: [a-zA-Z_][a-zA-Z0-9_]*.
bool isPrometheusLabelName(const QString &text)
{
    static const QRegularExpression name(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    return name.match(text).hasMatch();
}

template<typename Report>
void parseValidation(const YAML::Node &node, Validation::ValidationSettings &settings, Report problem)
{
    if (!node.IsMap()) {
        problem(node, QStringLiteral("'validation' must be a map with 'rules' and 'requiredLabels'."));
        return;
    }
    for (const auto &pair : node) {
        const QString key = QString::fromStdString(pair.first.Scalar());
        const YAML::Node &value = pair.second;
        if (key == QLatin1String("requiredLabels")) {
            if (!value.IsSequence()) {
                problem(value, QStringLiteral("'requiredLabels' must be a list of label keys."));
                continue;
            }
            settings.requiredLabels.clear();
            for (const auto &label : value)
                settings.requiredLabels.append(QString::fromStdString(label.Scalar()));
        } else if (key == QLatin1String("rules")) {
            if (!value.IsMap()) {
                problem(value, QStringLiteral("'rules' must map rule ids to off, error, warning or info."));
                continue;
            }
            for (const auto &rule : value) {
                const QString id = QString::fromStdString(rule.first.Scalar());
                const Validation::RuleInfo *info = Validation::findRule(id);
                const QString setting
                    = rule.second.IsScalar() ? QString::fromStdString(rule.second.Scalar()) : QString();
                if (!info) {
                    problem(rule.first,
                            QStringLiteral("unknown validation rule '%1'; 'lucent-console validate "
                                           "--list-rules' lists them.")
                                .arg(id));
                    continue;
                }
                if (!info->configurable) {
                    problem(rule.first, QStringLiteral("the rule '%1' cannot be changed.").arg(id));
                    continue;
                }
                Validation::RuleSetting ruleSetting;
                if (setting == QLatin1String("off") || setting == QLatin1String("false")) {
                    ruleSetting.enabled = false;
                } else if (auto severity = Validation::severityFromName(setting)) {
                    ruleSetting.severity = severity;
                } else {
                    problem(rule.second,
                            QStringLiteral("rule '%1' takes off, error, warning or info, not '%2'.").arg(id, setting));
                    continue;
                }
                settings.rules.insert(id, ruleSetting);
            }
        } else {
            problem(
                pair.first,
                QStringLiteral("unknown key '%1' under 'validation'; the keys are rules and requiredLabels.").arg(key));
        }
    }
}

} // namespace

Validation::ValidationSettings ProjectConfig::validationSettings() const
{
    Validation::ValidationSettings settings = validation;
    for (const auto &env : environments) {
        if (env.isProtected && !env.namespaceName.isEmpty()
            && !settings.productionNamespaces.contains(env.namespaceName))
            settings.productionNamespaces.append(env.namespaceName);
    }
    return settings;
}

QString ProjectProblem::sentence() const
{
    return (line > 0 ? QStringLiteral("In %1, line %2: ").arg(file).arg(line) : QStringLiteral("In %1: ").arg(file))
        + message;
}

const Environment *ProjectConfig::environment(const QString &name) const
{
    for (const Environment &env : environments) {
        if (env.name == name)
            return &env;
    }
    return nullptr;
}

namespace {

ProjectConfig parseProject(const QByteArray &yaml, const QString &fileName)
{
    ProjectConfig config;
    config.sourceFile = fileName;
    auto problem = [&](const YAML::Node &node, const QString &message) {
        config.problems.append({fileName, lineOf(node), message});
    };
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        config.problems.append({fileName, e.mark.is_null() ? 0 : e.mark.line + 1,
                                QStringLiteral("the YAML is malformed (%1).").arg(QString::fromStdString(e.msg))});
        return config;
    }
    if (const QString bound = YamlBounds::problem(root); !bound.isEmpty()) {
        config.problems.append({fileName, 0, bound});
        return config;
    }
    if (!root.IsMap() || !root["environments"] || !root["environments"].IsSequence()) {
        problem(root, QStringLiteral("a project file needs an 'environments:' list; see the README's example."));
        return config;
    }
    if (const YAML::Node validation = root["validation"])
        parseValidation(validation, config.validation, problem);
    if (const YAML::Node promotion = root["promotion"])
        parsePromotionSettings(promotion, config.promotion, problem);
    static const QSet<QString> known{
        QStringLiteral("name"),       QStringLiteral("context"),      QStringLiteral("namespace"),
        QStringLiteral("prometheus"), QStringLiteral("alertmanager"), QStringLiteral("protected"),
        QStringLiteral("services"),   QStringLiteral("alertLabels"),  QStringLiteral("manifests")};
    QSet<QString> names;
    for (const YAML::Node &entry : root["environments"]) {
        if (!entry.IsMap()) {
            problem(entry, QStringLiteral("each environment must be a map with name, context and namespace."));
            continue;
        }
        Environment env;
        bool valid = true;
        for (const auto &pair : entry) {
            const QString key = QString::fromStdString(pair.first.IsScalar() ? pair.first.Scalar() : std::string());
            if (!known.contains(key))
                problem(pair.first,
                        QStringLiteral("unknown key '%1'; the keys are name, context, namespace, "
                                       "prometheus, alertmanager, alertLabels, protected, services and manifests.")
                            .arg(key));
        }
        auto text = [&](const char *key) {
            const YAML::Node value = entry[key];
            if (!value)
                return QString();
            if (!value.IsScalar()) {
                problem(value, QStringLiteral("'%1' must be a single value.").arg(QLatin1String(key)));
                valid = false;
                return QString();
            }
            return QString::fromStdString(value.Scalar());
        };
        env.name = text("name");
        env.context = text("context");
        env.namespaceName = text("namespace");
        env.prometheusUrl = text("prometheus");
        env.alertmanagerUrl = text("alertmanager");
        if (const QString manifests = text("manifests"); !manifests.isEmpty())
            env.manifests = QDir::cleanPath(QFileInfo(fileName).absoluteDir().absoluteFilePath(manifests));
        for (const char *key : {"prometheus", "alertmanager"}) {
            const QUrl url(text(key), QUrl::StrictMode);
            if (entry[key]
                && (!url.isValid() || url.host().isEmpty()
                    || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))) {
                problem(entry[key],
                        QStringLiteral("'%1' must be an http:// or https:// URL, like "
                                       "https://%1.example.internal.")
                            .arg(QLatin1String(key)));
                valid = false;
            }
        }
        if (const YAML::Node flag = entry["protected"]) {
            bool isProtected = false;
            if (!flag.IsScalar() || !YAML::convert<bool>::decode(flag, isProtected)) {
                problem(flag, QStringLiteral("'protected' must be true or false."));
                valid = false;
            }
            env.isProtected = isProtected;
        }
        if (const YAML::Node services = entry["services"]) {
            if (!services.IsSequence()) {
                problem(services, QStringLiteral("'services' must be a list of Deployment names."));
                valid = false;
            } else {
                for (const YAML::Node &service : services)
                    env.services.append(QString::fromStdString(service.as<std::string>("")));
            }
        }
        if (const YAML::Node labels = entry["alertLabels"]) {
            if (!labels.IsMap() || labels.size() == 0) {
                problem(labels,
                        QStringLiteral("'alertLabels' must be a map of Prometheus label names to values, "
                                       "like {namespace: lucent-staging, cluster: eu-1}."));
                valid = false;
            } else {
                for (const auto &pair : labels) {
                    const QString label = QString::fromStdString(pair.first.as<std::string>(""));
                    if (!isPrometheusLabelName(label)) {
                        problem(pair.first,
                                QStringLiteral("'%1' is not a Prometheus label name: letters, digits "
                                               "and '_', not starting with a digit.")
                                    .arg(label));
                        valid = false;
                    } else if (!pair.second.IsScalar()) {
                        problem(pair.second,
                                QStringLiteral("the value of alert label '%1' must be a single value.").arg(label));
                        valid = false;
                    } else {
                        env.alertLabels.insert(label, QString::fromStdString(pair.second.Scalar()));
                    }
                }
            }
        }
        if (!isDnsLabel(env.name)) {
            problem(entry,
                    env.name.isEmpty()
                        ? QStringLiteral("an environment has no name; add 'name:'.")
                        : QStringLiteral("environment name '%1' must be lower-case letters, digits and '-'.")
                              .arg(env.name));
            valid = false;
        } else if (names.contains(env.name)) {
            problem(entry, QStringLiteral("environment '%1' is defined twice.").arg(env.name));
            valid = false;
        }
        if (env.context.isEmpty()) {
            problem(entry, QStringLiteral("environment '%1' names no kube context; add 'context:'.").arg(env.name));
            valid = false;
        }
        if (!env.namespaceName.isEmpty() && !isDnsLabel(env.namespaceName)) {
            problem(entry,
                    QStringLiteral("namespace '%1' is not a valid Kubernetes namespace.").arg(env.namespaceName));
            valid = false;
        }
        if (valid) {
            names.insert(env.name);
            config.environments.append(env);
        }
    }
    return config;
}

} // namespace

ProjectConfig ProjectConfig::parse(const QByteArray &yaml, const QString &fileName)
{
    // yaml-cpp throws when a node is converted to what it is not (a mapping used as a key's text):
    // whatever slipped past the checks above is a problem with the file, never the end of the process.
    try {
        return parseProject(yaml, fileName);
    } catch (const std::exception &e) {
        ProjectConfig config;
        config.sourceFile = fileName;
        config.problems.append(
            {fileName, 0,
             QStringLiteral("the file could not be read as a project file (%1).").arg(QString::fromUtf8(e.what()))});
        return config;
    }
}

ProjectConfig ProjectConfig::load(const QString &path)
{
    QString error;
    const auto text = FileBounds::read(path, FileBounds::MaxDocumentBytes, &error);
    if (!text) {
        ProjectConfig config;
        config.sourceFile = path;
        config.problems.append({path, 0, QStringLiteral("the project file %1.").arg(error)});
        return config;
    }
    return parse(*text, path);
}

QString ProjectConfig::locate(const QString &explicitPath, const QString &workingDir, const QString &configDir)
{
    if (!explicitPath.isEmpty())
        return explicitPath;
    for (const QString &dir : {workingDir, configDir}) {
        const QString candidate = QDir(dir).filePath(QStringLiteral("lucent.yaml"));
        if (!dir.isEmpty() && QFileInfo::exists(candidate))
            return candidate;
    }
    return {};
}

ProjectConfig ProjectConfig::fromKubeconfig(const Kube::Kubeconfig &kubeconfig)
{
    ProjectConfig config;
    for (const Kube::KubeconfigContext &context : kubeconfig.contexts) {
        Environment env;
        env.name = context.name;
        env.context = context.name;
        env.namespaceName = context.namespaceName.isEmpty() ? QStringLiteral("default") : context.namespaceName;
        config.environments.append(env);
    }
    return config;
}

} // namespace Lucent::Core::Environment
