#include "core/validation/policyrules.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QSet>

namespace Lucent::Core::Validation {

namespace {

const QStringList WorkloadKinds{QStringLiteral("Deployment"), QStringLiteral("StatefulSet"),
                                QStringLiteral("DaemonSet"),  QStringLiteral("ReplicaSet"),
                                QStringLiteral("Job"),        QStringLiteral("CronJob"),
                                QStringLiteral("Pod")};

bool isWorkload(const ManifestDocument &doc)
{
    return WorkloadKinds.contains(doc.kind) && doc.root.IsMap();
}

// The pod template's metadata and spec of a workload (a Pod is its own template).
YAML::Node podTemplate(const ManifestDocument &doc)
{
    const YAML::Node &root = doc.root;
    if (doc.kind == QLatin1String("Pod"))
        return root;
    if (doc.kind == QLatin1String("CronJob"))
        return at(root, {"spec", "jobTemplate", "spec", "template"});
    return at(root, {"spec", "template"});
}

struct Container {
    YAML::Node node;
    bool init = false;
};

/// "Deployment wallet-service", or "Deployment without a name" (not "Deployment " and a gap).
QString called(const ManifestDocument &doc)
{
    return doc.name.isEmpty() ? QStringLiteral("%1 without a name").arg(doc.kind)
                              : QStringLiteral("%1 %2").arg(doc.kind, doc.name);
}

std::vector<Container> containersOf(const YAML::Node &podSpec)
{
    std::vector<Container> out;
    for (const char *list : {"initContainers", "containers"}) {
        const YAML::Node items = child(podSpec, list);
        if (!items.IsSequence())
            continue;
        for (const auto &c : items) {
            if (c.IsMap())
                out.push_back({c, list[0] == 'i'});
        }
    }
    return out;
}

QHash<QString, QString> stringMap(const YAML::Node &node)
{
    QHash<QString, QString> out;
    if (!node.IsMap())
        return out;
    for (auto it = node.begin(); it != node.end(); ++it)
        out.insert(scalarText(it->first), scalarText(it->second));
    return out;
}

bool isTrue(const YAML::Node &node)
{
    return node.IsScalar() && scalarText(node) == QLatin1String("true");
}
bool isFalse(const YAML::Node &node)
{
    return node.IsScalar() && scalarText(node) == QLatin1String("false");
}

// Two documents are in the same namespace unless both namespaces are known and differ.
bool sameNamespace(const ManifestDocument &a, const ManifestDocument &b)
{
    if (a.namespaces.isEmpty() || b.namespaces.isEmpty())
        return true;
    for (const auto &ns : a.namespaces) {
        if (b.namespaces.contains(ns))
            return true;
    }
    return false;
}

QString labelsText(const QHash<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value());
    parts.sort();
    return parts.join(QLatin1String(", "));
}

// What Services and Ingresses look up in other documents, read once per validation rather
// than once per pair: with a thousand documents the pairs run into the hundreds of thousands.
struct PodSource {
    const ManifestDocument *doc = nullptr;
    QHash<QString, QString> labels;
    QSet<QString> portNumbers;
    QSet<QString> portNames;
    bool declaresPorts = false;
};

class Checker
{
public:
    Checker(const std::vector<const ManifestDocument *> &docs, const ValidationSettings &settings,
            QList<Problem> &problems)
        : m_docs(docs)
        , m_settings(settings)
        , m_problems(problems)
    {
        for (const auto *doc : docs) {
            if (isWorkload(*doc) && doc->kind != QLatin1String("Job") && doc->kind != QLatin1String("CronJob")) {
                PodSource source;
                source.doc = doc;
                const YAML::Node tmpl = podTemplate(*doc);
                source.labels = stringMap(at(tmpl, {"metadata", "labels"}));
                for (const auto &c : containersOf(child(tmpl, "spec"))) {
                    for (const auto &port : listOf(child(c.node, "ports"))) {
                        source.declaresPorts = true;
                        source.portNumbers.insert(scalarText(child(port, "containerPort")));
                        if (child(port, "name").IsDefined())
                            source.portNames.insert(scalarText(child(port, "name")));
                    }
                }
                for (auto it = source.labels.cbegin(); it != source.labels.cend(); ++it)
                    m_podsByLabel.insert(it.key() + QLatin1Char('=') + it.value(), int(m_pods.size()));
                m_pods.push_back(std::move(source));
            }
            if (doc->kind == QLatin1String("Service"))
                m_services.insert(doc->name, doc);
            if (doc->kind == QLatin1String("Namespace") && doc->root.IsMap()) {
                const auto labels = stringMap(at(doc->root, {"metadata", "labels"}));
                if (labels.value(QStringLiteral("lucent.com/environment")) == QLatin1String("production"))
                    m_production.insert(doc->name);
            }
        }
        for (const auto &ns : settings.productionNamespaces)
            m_production.insert(ns);
    }

    void run()
    {
        for (const auto *doc : m_docs) {
            m_doc = doc;
            m_ignored = ignoredRules(*doc);
            if (isWorkload(*doc))
                checkWorkload(*doc);
            if (doc->kind == QLatin1String("Secret"))
                checkSecret(*doc);
            if (doc->kind == QLatin1String("Service"))
                checkService(*doc);
            if (doc->kind == QLatin1String("Ingress"))
                checkIngress(*doc);
        }
    }

private:
    static QSet<QString> ignoredRules(const ManifestDocument &doc)
    {
        QSet<QString> out;
        const YAML::Node &root = doc.root;
        const QString text = scalarText(at(root, {"metadata", "annotations", IgnoreAnnotation}));
        for (const auto &id : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            out.insert(id.trimmed());
        return out;
    }

    bool on(const char *rule) const
    {
        const QString id = QString::fromLatin1(rule);
        return m_settings.isEnabled(id) && !m_ignored.contains(id);
    }

    void report(const YAML::Node &anchor, const char *rule, const QString &message)
    {
        m_problems.append(m_doc->problemAt(anchor, Severity::Error, QString::fromLatin1(rule), message));
    }

    QStringList productionNamespaces(const ManifestDocument &doc) const
    {
        QStringList out;
        for (const auto &ns : doc.namespaces) {
            if (m_production.contains(ns))
                out.append(ns);
        }
        return out;
    }

    // --- workloads ------------------------------------------------------------------------

    void checkWorkload(const ManifestDocument &doc)
    {
        const YAML::Node &root = doc.root;
        const YAML::Node tmpl = podTemplate(doc);
        const YAML::Node podSpec = child(tmpl, "spec");
        if (on("required-labels")) {
            requireLabels(child(root, "metadata"), child(root, "kind"), called(doc));
            if (doc.kind != QLatin1String("Pod"))
                requireLabels(child(tmpl, "metadata"), tmpl.IsMap() ? tmpl : child(root, "kind"),
                              QStringLiteral("The pod template of %1").arg(called(doc)));
        }
        if (on("production-replicas")
            && (doc.kind == QLatin1String("Deployment") || doc.kind == QLatin1String("StatefulSet"))
            && !productionNamespaces(doc).isEmpty()) {
            const YAML::Node replicas = at(root, {"spec", "replicas"});
            const bool missing = !replicas.IsDefined() || scalarType(replicas) == ScalarType::Null;
            // A count that is not a number ("three") is the schema's type error to report; read
            // as 0 it would add a false "runs 0 replicas".
            const bool counted = missing || (replicas.IsScalar() && scalarType(replicas) == ScalarType::Integer);
            const int count = missing ? 1 : scalarText(replicas).toInt();
            if (counted && count < 2)
                report(missing ? child(root, "spec") : replicas, "production-replicas",
                       QStringLiteral("%1 %2 runs %3 in production (%4); run at least 2 so that a rollout or a "
                                      "lost node does not take it down.")
                           .arg(doc.kind, doc.name,
                                count == 1 ? QStringLiteral("1 replica") : QStringLiteral("%1 replicas").arg(count),
                                productionNamespaces(doc).join(QLatin1String(", "))));
        }
        if (!podSpec.IsMap())
            return;
        const bool longRunning = doc.kind != QLatin1String("Job") && doc.kind != QLatin1String("CronJob");
        const YAML::Node podSecurity = child(podSpec, "securityContext");
        for (const auto &c : containersOf(podSpec))
            checkContainer(c, podSecurity, longRunning);
    }

    void requireLabels(const YAML::Node &metadata, const YAML::Node &fallback, const QString &what)
    {
        const auto labels = stringMap(child(metadata, "labels"));
        QStringList missing;
        for (const auto &label : m_settings.requiredLabels) {
            if (!labels.contains(label))
                missing.append(label);
        }
        if (missing.isEmpty())
            return;
        const YAML::Node labelsNode = child(metadata, "labels");
        const YAML::Node anchor = labelsNode.IsDefined() ? labelsNode : (metadata.IsDefined() ? metadata : fallback);
        report(anchor, "required-labels",
               QStringLiteral("%1 lacks the label%2 %3.")
                   .arg(what, missing.size() > 1 ? QStringLiteral("s") : QString(), missing.join(QLatin1String(", "))));
    }

    void checkContainer(const Container &c, const YAML::Node &podSecurity, bool longRunning)
    {
        const YAML::Node &node = c.node;
        const QString name = scalarText(child(node, "name"));
        const YAML::Node anchor = child(node, "name").IsDefined() ? child(node, "name") : node;
        const QString who = QStringLiteral("Container \"%1\"").arg(name);
        if (on("image-tag-pinned"))
            checkImage(child(node, "image"), who);
        if (on("resources-set")) {
            QStringList missing;
            const YAML::Node resources = child(node, "resources");
            for (const char *section : {"requests", "limits"}) {
                for (const char *resource : {"cpu", "memory"}) {
                    if (!at(resources, {section, resource}).IsDefined())
                        missing.append(QStringLiteral("%1.%2").arg(QLatin1String(section), QLatin1String(resource)));
                }
            }
            if (!missing.isEmpty())
                report(resources.IsDefined() ? resources : anchor, "resources-set",
                       QStringLiteral("%1 sets no resources %2.").arg(who, missing.join(QLatin1String(", "))));
        }
        if (on("probes-set") && longRunning && !c.init) {
            QStringList missing;
            for (const char *probe : {"livenessProbe", "readinessProbe"}) {
                if (!child(node, probe).IsDefined())
                    missing.append(QLatin1String(probe));
            }
            if (!missing.isEmpty())
                report(anchor, "probes-set",
                       QStringLiteral("%1 has no %2.").arg(who, missing.join(QLatin1String(" and "))));
        }
        const YAML::Node security = child(node, "securityContext");
        if (on("run-as-non-root")) {
            const YAML::Node own = child(security, "runAsNonRoot");
            const bool nonRoot = own.IsDefined() ? isTrue(own) : isTrue(child(podSecurity, "runAsNonRoot"));
            const YAML::Node user = child(security, "runAsUser").IsDefined() ? child(security, "runAsUser")
                                                                             : child(podSecurity, "runAsUser");
            if (user.IsDefined() && scalarText(user) == QLatin1String("0"))
                report(user, "run-as-non-root", QStringLiteral("%1 runs as root (runAsUser: 0).").arg(who));
            else if (!nonRoot)
                report(own.IsDefined() ? own : anchor, "run-as-non-root",
                       QStringLiteral("%1 may run as root: set securityContext.runAsNonRoot: true on it or its pod.")
                           .arg(who));
        }
        if (on("no-privilege-escalation")) {
            if (isTrue(child(security, "privileged")))
                report(child(security, "privileged"), "no-privilege-escalation",
                       QStringLiteral("%1 is privileged: it has full access to the node.").arg(who));
            else if (!isFalse(child(security, "allowPrivilegeEscalation")))
                report(child(security, "allowPrivilegeEscalation").IsDefined()
                           ? child(security, "allowPrivilegeEscalation")
                           : anchor,
                       "no-privilege-escalation",
                       QStringLiteral("%1 can gain privileges: set securityContext.allowPrivilegeEscalation: false.")
                           .arg(who));
        }
        if (on("drop-all-capabilities")) {
            bool dropsAll = false;
            for (const auto &cap : listOf(at(security, {"capabilities", "drop"})))
                dropsAll = dropsAll || scalarText(cap) == QLatin1String("ALL");
            if (!dropsAll)
                report(child(security, "capabilities").IsDefined() ? child(security, "capabilities") : anchor,
                       "drop-all-capabilities",
                       QStringLiteral("%1 keeps the default Linux capabilities: set securityContext.capabilities.drop: "
                                      "[ALL].")
                           .arg(who));
        }
        if (on("port-consistency"))
            checkProbePorts(node, who);
    }

    void checkImage(const YAML::Node &image, const QString &who)
    {
        const QString ref = scalarText(image);
        if (ref.isEmpty() || ref.contains(QLatin1Char('@')))
            return; // no image is a schema matter; a digest is as pinned as it gets
        const QString last = ref.mid(ref.lastIndexOf(QLatin1Char('/')) + 1);
        const int colon = last.indexOf(QLatin1Char(':'));
        const QString tag = colon < 0 ? QString() : last.mid(colon + 1);
        if (tag.isEmpty())
            report(image, "image-tag-pinned",
                   QStringLiteral("%1 uses \"%2\" without a tag, which means :latest; name a version.").arg(who, ref));
        else if (tag == QLatin1String("latest"))
            report(image, "image-tag-pinned",
                   QStringLiteral("%1 uses \"%2\"; :latest changes under you, name a version.").arg(who, ref));
    }

    void checkProbePorts(const YAML::Node &container, const QString &who)
    {
        QSet<QString> numbers;
        QSet<QString> names;
        const YAML::Node ports = listOf(child(container, "ports"));
        for (const auto &p : ports) {
            numbers.insert(scalarText(child(p, "containerPort")));
            if (child(p, "name").IsDefined())
                names.insert(scalarText(child(p, "name")));
        }
        if (!ports.IsSequence() || ports.size() == 0)
            return; // a container need not declare its ports; nothing to compare with
        for (const char *probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
            for (const char *handler : {"httpGet", "tcpSocket", "grpc"}) {
                const YAML::Node port = at(container, {probe, handler, "port"});
                if (!port.IsDefined())
                    continue;
                const QString value = scalarText(port);
                const bool numeric = scalarType(port) == ScalarType::Integer;
                if ((numeric && !numbers.contains(value)) || (!numeric && !names.contains(value)))
                    report(port, "port-consistency",
                           QStringLiteral("The %1 of %2 checks port %3, which the container does not expose "
                                          "(it exposes %4).")
                               .arg(QLatin1String(probe), who.section(QLatin1Char('"'), 1, 1), value,
                                    QStringList(numbers.begin(), numbers.end()).join(QLatin1String(", "))));
            }
        }
    }

    // --- Secrets ---------------------------------------------------------------------------

    static bool isPlaceholder(const QString &value)
    {
        static const QRegularExpression re(
            QStringLiteral("^\\s*(<[^>]*>|\\$\\{[^}]*\\}|\\{\\{[^}]*\\}\\}|changeme|change[-_]me|replace[-_]?me|todo|"
                           "tbd|xxx+|placeholder|secret|password|dummy)\\s*$"),
            QRegularExpression::CaseInsensitiveOption);
        return re.match(value).hasMatch();
    }

    static bool isBase64(const QString &value)
    {
        static const QRegularExpression re(
            QStringLiteral("^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"));
        return re.match(value).hasMatch();
    }

    void checkSecret(const ManifestDocument &doc)
    {
        if (!on("secret-data"))
            return;
        const YAML::Node &root = doc.root;
        const YAML::Node data = child(root, "data");
        if (data.IsMap()) {
            for (auto it = data.begin(); it != data.end(); ++it) {
                const QString key = scalarText(it->first);
                const QString value = scalarText(it->second);
                if (isPlaceholder(value)) {
                    report(it->second, "secret-data",
                           QStringLiteral("Secret %1 key \"%2\" holds the placeholder \"%3\"; fill it at deploy time "
                                          "(kubectl create secret, a sealed secret or an external store).")
                               .arg(doc.name, key, value));
                    continue;
                }
                const QString compact = QString(value).remove(QRegularExpression(QStringLiteral("\\s")));
                if (!isBase64(compact)) {
                    report(it->second, "secret-data",
                           QStringLiteral("Secret %1 key \"%2\" is not valid base64; values under data are encoded "
                                          "(use stringData for plain text).")
                               .arg(doc.name, key));
                    continue;
                }
                const QString decoded = QString::fromUtf8(QByteArray::fromBase64(compact.toLatin1()));
                if (isPlaceholder(decoded))
                    report(it->second, "secret-data",
                           QStringLiteral("Secret %1 key \"%2\" decodes to the placeholder \"%3\".")
                               .arg(doc.name, key, decoded));
            }
        }
        const YAML::Node plain = child(root, "stringData");
        if (plain.IsMap()) {
            for (auto it = plain.begin(); it != plain.end(); ++it) {
                if (isPlaceholder(scalarText(it->second)))
                    report(it->second, "secret-data",
                           QStringLiteral("Secret %1 key \"%2\" holds the placeholder \"%3\".")
                               .arg(doc.name, scalarText(it->first), scalarText(it->second)));
            }
        }
    }

    // --- Services and Ingresses ------------------------------------------------------------

    // Workloads in the same set whose pod labels include every pair of @p selector.
    std::vector<const PodSource *> selectedWorkloads(const ManifestDocument &service,
                                                     const QHash<QString, QString> &selector) const
    {
        std::vector<const PodSource *> out;
        // Candidates carry the selector's first pair; the rest is checked on them alone.
        const auto first = selector.cbegin();
        const QList<int> candidates = m_podsByLabel.values(first.key() + QLatin1Char('=') + first.value());
        for (auto index = candidates.crbegin(); index != candidates.crend(); ++index) {
            const PodSource &pods = m_pods[std::size_t(*index)];
            if (!sameNamespace(service, *pods.doc))
                continue;
            bool all = true;
            for (auto it = selector.begin(); it != selector.end() && all; ++it) {
                const auto label = pods.labels.constFind(it.key());
                all = label != pods.labels.constEnd() && *label == it.value();
            }
            if (all)
                out.push_back(&pods);
        }
        return out;
    }

    void checkService(const ManifestDocument &doc)
    {
        const YAML::Node &root = doc.root;
        if (on("required-labels"))
            requireLabels(child(root, "metadata"), child(root, "kind"), called(doc));
        const YAML::Node selectorNode = at(root, {"spec", "selector"});
        const auto selector = stringMap(selectorNode);
        if (selector.isEmpty())
            return; // no selector: endpoints are managed by hand
        const auto workloads = selectedWorkloads(doc, selector);
        if (workloads.empty()) {
            if (on("service-selector"))
                report(selectorNode, "service-selector",
                       QStringLiteral("Service %1 selects %2, but no workload in these manifests has pods with those "
                                      "labels; it would have no endpoints.")
                           .arg(doc.name, labelsText(selector)));
            return;
        }
        if (!on("port-consistency"))
            return;
        QSet<QString> numbers;
        QSet<QString> names;
        bool declared = false;
        for (const auto *w : workloads) {
            declared = declared || w->declaresPorts;
            numbers.unite(w->portNumbers);
            names.unite(w->portNames);
        }
        if (!declared)
            return;
        for (const auto &port : listOf(at(root, {"spec", "ports"}))) {
            const YAML::Node target
                = child(port, "targetPort").IsDefined() ? child(port, "targetPort") : child(port, "port");
            if (!target.IsDefined())
                continue;
            const QString value = scalarText(target);
            const bool numeric = scalarType(target) == ScalarType::Integer;
            if ((numeric && !numbers.contains(value)) || (!numeric && !names.contains(value)))
                report(target, "port-consistency",
                       QStringLiteral("Service %1 sends traffic to port %2, which no container of %3 exposes.")
                           .arg(doc.name, value, workloads.front()->doc->objectName()));
        }
    }

    const ManifestDocument *findService(const ManifestDocument &from, const QString &name) const
    {
        for (auto it = m_services.constFind(name); it != m_services.constEnd() && it.key() == name; ++it) {
            if (sameNamespace(from, **it))
                return *it;
        }
        return nullptr;
    }

    void checkBackend(const ManifestDocument &ingress, const YAML::Node &backend)
    {
        const YAML::Node service = child(backend, "service");
        if (!service.IsMap())
            return;
        const QString name = scalarText(child(service, "name"));
        const ManifestDocument *target = findService(ingress, name);
        if (!target) {
            report(child(service, "name").IsDefined() ? child(service, "name") : service, "ingress-backend",
                   QStringLiteral("Ingress %1 routes to Service \"%2\", which is not in these manifests.")
                       .arg(ingress.name, name));
            return;
        }
        const YAML::Node port = child(service, "port");
        const bool byNumber = child(port, "number").IsDefined();
        const QString wanted = scalarText(byNumber ? child(port, "number") : child(port, "name"));
        if (wanted.isEmpty())
            return;
        QStringList offered;
        const YAML::Node &targetRoot = target->root;
        for (const auto &p : listOf(at(targetRoot, {"spec", "ports"})))
            offered.append(scalarText(byNumber ? child(p, "port") : child(p, "name")));
        if (!offered.contains(wanted))
            report(byNumber ? child(port, "number") : child(port, "name"), "ingress-backend",
                   QStringLiteral("Ingress %1 routes to port %2 of Service %3, which offers %4.")
                       .arg(ingress.name, wanted, name, offered.join(QLatin1String(", "))));
    }

    void checkIngress(const ManifestDocument &doc)
    {
        if (!on("ingress-backend"))
            return;
        const YAML::Node &root = doc.root;
        const YAML::Node spec = child(root, "spec");
        if (child(spec, "defaultBackend").IsDefined())
            checkBackend(doc, child(spec, "defaultBackend"));
        for (const auto &rule : listOf(child(spec, "rules"))) {
            for (const auto &path : listOf(at(rule, {"http", "paths"})))
                checkBackend(doc, child(path, "backend"));
        }
    }

    const std::vector<const ManifestDocument *> &m_docs;
    const ValidationSettings &m_settings;
    QList<Problem> &m_problems;
    QSet<QString> m_production;
    std::vector<PodSource> m_pods;
    QMultiHash<QString, int> m_podsByLabel; // "key=value" -> index into m_pods
    QMultiHash<QString, const ManifestDocument *> m_services;
    const ManifestDocument *m_doc = nullptr;
    QSet<QString> m_ignored;
};

} // namespace

void checkPolicies(const std::vector<const ManifestDocument *> &documents, const ValidationSettings &settings,
                   QList<Problem> &problems)
{
    Checker(documents, settings, problems).run();
}

} // namespace Lucent::Core::Validation
