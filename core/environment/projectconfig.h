#pragma once

#include "core/environment/promotionsettings.h"
#include "core/kube/kubeconfig.h"
#include "core/validation/rulecatalog.h"

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Environment {

/// A place the platform runs: a kube context and namespace, with what belongs to it.
struct Environment {
    QString name;
    QString context;
    QString namespaceName;
    QString prometheusUrl;
    QString alertmanagerUrl; ///< silences live here; empty when the team runs none
    bool isProtected = false; ///< production: mutating actions need the name typed
    QStringList services; ///< the Deployments that make up the platform; empty: all of them
    /// manifests: the environment's kustomization directory (rendered with kustomize for
    /// validation, diff and apply), absolute; written relative to the project file. Empty: none.
    QString manifests;
    /// alertLabels: the labels that make an alert (or a rule's alert) this environment's, for
    /// environments that share one Prometheus. Empty: {namespace: <its namespace>}.
    QMap<QString, QString> alertLabels;

    /// What an alert must carry to be this environment's: alertLabels, else its namespace.
    QMap<QString, QString> alertScope() const;
};

/// A problem in the project file, with where it is.
struct ProjectProblem {
    QString file;
    int line = 0;
    QString message;
    QString sentence() const;
};

/// The project file (lucent.yaml): the environments the console shows.
///
///     environments:
///       - name: production
///         context: lucent-prod
///         namespace: lucent-platform
///         prometheus: https://prometheus.lucent.internal
///         alertmanager: https://alertmanager.lucent.internal
///         protected: true
///         services: [api-gateway, user-service, frontend]
///         manifests: manifests/production   # its kustomization, relative to this file
///     validation:                      # optional: the manifest validator's rules
///       requiredLabels: [app, app.kubernetes.io/part-of]
///       rules:
///         probes-set: off              # or error, warning, info
///     promotion:                       # optional: see PromotionSettings
///       preview: true
class ProjectConfig final
{
public:
    QString sourceFile; ///< empty when the environments come from the kubeconfig
    QList<Environment> environments;
    QList<ProjectProblem> problems;
    Validation::ValidationSettings validation; ///< as written, without the production namespaces
    PromotionSettings promotion;

    /// The validator's settings: the file's, with every protected environment's namespace
    /// counted as production.
    Validation::ValidationSettings validationSettings() const;

    const Environment *environment(const QString &name) const;

    static ProjectConfig parse(const QByteArray &yaml, const QString &fileName);
    /// Reads @p path; a missing or unreadable file is a problem, not a crash.
    static ProjectConfig load(const QString &path);
    /// --config when given, else ./lucent.yaml, else lucent.yaml in @p configDir; empty when
    /// none exists.
    static QString locate(const QString &explicitPath, const QString &workingDir, const QString &configDir);
    /// Without a project file every kubeconfig context is an environment.
    static ProjectConfig fromKubeconfig(const Kube::Kubeconfig &kubeconfig);
};

} // namespace Lucent::Core::Environment

Q_DECLARE_METATYPE(Lucent::Core::Environment::Environment)
