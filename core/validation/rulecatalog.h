#pragma once

#include "core/validation/problem.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Validation {

/// One check the validator makes, as documented in docs/validation.md and listed in SARIF.
struct RuleInfo {
    QString id;
    Severity defaultSeverity = Severity::Error;
    QString title; ///< one line
    QString help; ///< why it matters and how to fix it
    bool configurable = true; ///< YAML syntax cannot be switched off: nothing else works without it
};

const QList<RuleInfo> &ruleCatalog();
const RuleInfo *findRule(const QString &id);

/// How the project file changes a rule: switched off, or another severity.
struct RuleSetting {
    bool enabled = true;
    std::optional<Severity> severity;
};

/// What validation needs to know beyond the files: rule settings from lucent.yaml, the labels
/// every workload must carry, and which namespaces are production.
struct ValidationSettings {
    QHash<QString, RuleSetting> rules;
    QStringList requiredLabels{QStringLiteral("app"), QStringLiteral("app.kubernetes.io/part-of")};
    QStringList productionNamespaces;

    bool isEnabled(const QString &ruleId) const;
    Severity severityOf(const QString &ruleId) const;
};

} // namespace Lucent::Core::Validation
