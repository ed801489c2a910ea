#include "core/validation/rulecatalog.h"

namespace Lucent::Core::Validation {

namespace {

RuleInfo rule(const char *id, Severity severity, const char *title, const char *help, bool configurable = true)
{
    return {QString::fromLatin1(id), severity, QString::fromUtf8(title), QString::fromUtf8(help), configurable};
}

} // namespace

const QList<RuleInfo> &ruleCatalog()
{
    using S = Severity;
    static const QList<RuleInfo> rules{
        rule("yaml-syntax", S::Error, "The file is valid YAML",
             "A document that does not parse cannot be checked or applied. The position is where the parser "
             "stopped; the mistake is often on the line before (indentation, a missing colon or quote).",
             false),
        rule("yaml-duplicate-key", S::Error, "No key appears twice in a mapping",
             "YAML parsers silently keep one of two equal keys, so the other value is lost without a word. "
             "The API server refuses duplicate fields. Keep the one you mean."),
        rule("schema-unknown-kind", S::Error, "The kind exists in its apiVersion",
             "An unknown kind in a Kubernetes group (such as v1 SecurityPolicy) is refused with 'no matches for "
             "kind'. Use the kind the API has (e.g. securityContext fields and Pod Security Admission labels "
             "instead of PodSecurityPolicy). Custom resources are checked when a cluster is connected."),
        rule("schema-unknown-field", S::Error, "Every field is known to the API",
             "A misspelt or misplaced field is dropped by the API server, or refused with "
             "fieldValidation=Strict, so the setting you wrote never takes effect."),
        rule("schema-type", S::Error, "Every value has its field's type",
             "Strings such as environment values and annotations must be quoted when they look like numbers "
             "or booleans; integers must not be quoted; quantities look like 512Mi or 250m."),
        rule("schema-required", S::Error, "Required fields are present",
             "The API server refuses an object without its required fields (for example a container's name "
             "or a Deployment's selector and template)."),
        rule("schema-enum", S::Error, "Enumerated fields have a supported value",
             "Fields such as imagePullPolicy, restartPolicy, Service type and protocol accept a fixed set of "
             "values; anything else is refused."),
        rule("resources-set", S::Warning, "Containers set CPU and memory requests and limits",
             "Without requests the scheduler cannot place pods sensibly; without limits one pod can starve "
             "its neighbours. Set requests.cpu, requests.memory, limits.cpu and limits.memory."),
        rule("probes-set", S::Warning, "Containers have liveness and readiness probes",
             "Without a readiness probe a pod receives traffic before it can serve it, and a rollout cannot "
             "tell a broken version; without a liveness probe a hung process is never restarted."),
        rule("run-as-non-root", S::Error, "Containers run as a non-root user",
             "Set securityContext.runAsNonRoot: true on the pod or every container (and never runAsUser: 0). "
             "The restricted Pod Security Standard requires it."),
        rule("no-privilege-escalation", S::Error, "Containers cannot gain privileges",
             "Set securityContext.allowPrivilegeEscalation: false on every container and never privileged: "
             "true."),
        rule("drop-all-capabilities", S::Warning, "Containers drop all Linux capabilities",
             "Set securityContext.capabilities.drop: [ALL]; add back only what a container needs."),
        rule("image-tag-pinned", S::Error, "Images name a fixed version",
             "An image without a tag or with :latest changes under you: two pods of one ReplicaSet may run "
             "different code and a rollback restores nothing. Use a version tag or a digest."),
        rule("production-replicas", S::Error, "Production services run at least two replicas",
             "One replica means downtime on every rollout, node drain or crash. Run two or more in "
             "production namespaces."),
        rule("required-labels", S::Warning, "Objects carry the required labels",
             "Dashboards, alerts, selectors and the promotion wizard find objects by these labels (by default "
             "app and app.kubernetes.io/part-of; configurable in lucent.yaml)."),
        rule("secret-data", S::Error, "Secret values are valid and not placeholders",
             "Values under data must be base64; a placeholder such as <base64-encoded-secret> or changeme "
             "would be applied as the real secret. Keep real secrets out of git and fill them at deploy time."),
        rule("service-selector", S::Error, "Service selectors match pods in the same set",
             "A Service whose selector matches no workload's pod labels has no endpoints: every request to it "
             "fails. Check the labels against the Deployment's pod template."),
        rule("port-consistency", S::Error, "Probes and Services use ports the containers expose",
             "A probe on a port the container does not listen on fails and restarts the pod; a Service "
             "targetPort that no selected container exposes sends traffic nowhere."),
        rule("ingress-backend", S::Error, "Ingress backends are existing Services and ports",
             "An Ingress path whose Service or port does not exist answers 503."),
    };
    return rules;
}

const RuleInfo *findRule(const QString &id)
{
    for (const auto &r : ruleCatalog()) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

bool ValidationSettings::isEnabled(const QString &ruleId) const
{
    const auto it = rules.constFind(ruleId);
    return it == rules.constEnd() || it->enabled || (findRule(ruleId) && !findRule(ruleId)->configurable);
}

Severity ValidationSettings::severityOf(const QString &ruleId) const
{
    const RuleInfo *info = findRule(ruleId);
    const auto it = rules.constFind(ruleId);
    if (it != rules.constEnd() && it->severity && (!info || info->configurable))
        return *it->severity;
    return info ? info->defaultSeverity : Severity::Error;
}

} // namespace Lucent::Core::Validation
