// The manifest validator: golden files per rule (exact positions and messages), silence on
// the repository's own manifests, the seed's mistakes, SARIF structure, project settings and
// the OpenAPI v3 conversion.

#include "core/environment/projectconfig.h"
#include "core/validation/kubernetesschema.h"
#include "core/validation/reportformat.h"
#include "core/validation/rulecatalog.h"
#include "core/validation/validator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Lucent::Core::Validation;

namespace {

const QString SourceDir = QStringLiteral(LUCENT_SOURCE_DIR);

QString rulesDir()
{
    return SourceDir + QStringLiteral("/tests/data/validation/rules/");
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// The golden form of a problem: position, severity, message and rule, without the path.
QString golden(const Problem &p)
{
    return QStringLiteral("%1:%2: %3: %4 [%5]")
        .arg(p.line)
        .arg(p.column)
        .arg(severityName(p.severity), p.message, p.ruleId);
}

QStringList describe(const QList<Problem> &problems)
{
    QStringList out;
    for (const auto &p : problems)
        out.append(p.file + QLatin1Char(':') + golden(p));
    return out;
}

// The seed's Kubernetes blocks: the ```yaml fences that hold an apiVersion (not Compose or
// GitHub Actions files), each with the line of the file it starts on.
struct SeedBlock {
    int firstLine = 0;
    QByteArray text;
};

QString seedPath()
{
    const QStringList candidates{qEnvironmentVariable("LUCENT_SEED_STANDARDS"),
                                 SourceDir + QStringLiteral("/../shared/seed/deployment-standards.md"),
                                 QStringLiteral("/work/shared/seed/deployment-standards.md")};
    for (const auto &c : candidates) {
        if (!c.isEmpty() && QFile::exists(c))
            return c;
    }
    return {};
}

QList<SeedBlock> seedBlocks(const QByteArray &markdown)
{
    QList<SeedBlock> blocks;
    const QList<QByteArray> lines = markdown.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed() != "```yaml")
            continue;
        SeedBlock block;
        block.firstLine = i + 2;
        int j = i + 1;
        for (; j < lines.size() && lines[j].trimmed() != "```"; ++j)
            block.text += lines[j] + '\n';
        if (block.text.contains("\napiVersion:"))
            blocks.append(block);
        i = j;
    }
    return blocks;
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyRuleHasAGoldenFile_data();
    void everyRuleHasAGoldenFile();
    void silentOnRepositoryManifests();
    void hostileAliasesAreProblemsNotCrashes();
    void aMappingWhereAListBelongsIsAProblemNotACrash();
    void aNamelessObjectIsCalledSo();
    void productionComesFromKustomizeNamespaces();
    void seedMistakesAreFlagged();
    void wordedReplicaCountIsATypeErrorOnly();
    void positionsAcrossDocuments();
    void sarifIsStructurallyValid();
    void jsonReport();
    void projectSettings();
    void ignoreAnnotation();
    void openApiV3Conversion();
    void hostileInputIsAProblemNotACrash();
};

void TestValidation::everyRuleHasAGoldenFile_data()
{
    QTest::addColumn<QString>("rule");
    for (const auto &rule : ruleCatalog())
        QTest::addRow("%s", qPrintable(rule.id)) << rule.id;
}

void TestValidation::everyRuleHasAGoldenFile()
{
    QFETCH(QString, rule);
    const QString file = rulesDir() + rule + QStringLiteral(".yaml");
    const QByteArray text = readAll(file);
    QVERIFY2(!text.isEmpty(), qPrintable(QStringLiteral("no golden manifest %1").arg(file)));
    const ValidationResult result = Validator().validate({{file, text}});

    bool fired = false;
    QStringList actual;
    for (const auto &p : result.problems) {
        fired = fired || p.ruleId == rule;
        QCOMPARE(p.file, file);
        actual.append(golden(p));
    }
    QVERIFY2(fired, qPrintable(QStringLiteral("%1 did not fire on its bad manifest").arg(rule)));
    const QString expectedText = QString::fromUtf8(readAll(rulesDir() + rule + QStringLiteral(".expected")));
    const QStringList expected = expectedText.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(actual, expected);
}

// An alias inside its own anchor (a cycle: it crashed with SIGSEGV) and nested aliases that
// expand exponentially ("billion laughs": it never finished) are each one error on the
// document, and the next document of the same file is still checked.
void TestValidation::hostileAliasesAreProblemsNotCrashes()
{
    const QString dir = QStringLiteral(LUCENT_TEST_DATA_DIR "/validation/hostile/");
    const struct {
        const char *file;
        const char *words;
    } cases[] = {{"self-alias.yaml", "refers to a node that contains it"}, {"billion-laughs.yaml", "billion laughs"}};
    for (const auto &hostile : cases) {
        const QString file = dir + QLatin1String(hostile.file);
        QByteArray text = readAll(file);
        QVERIFY(!text.isEmpty());
        text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n  namespace: x\ndata:\n  k: 1\n";
        const ValidationResult result = Validator().validate({{file, text}});
        QCOMPARE(result.errors(), 2); // one per document
        const Problem &problem = result.problems.constFirst();
        QCOMPARE(problem.ruleId, QStringLiteral("yaml-syntax"));
        QCOMPARE(problem.line, 1);
        QVERIFY2(problem.message.contains(QLatin1String(hostile.words)), qPrintable(problem.message));
        // The second document was checked: its number where a string belongs is a problem.
        QVERIFY2(
            std::any_of(result.problems.cbegin(), result.problems.cend(), [](const Problem &p) { return p.line > 10; }),
            qPrintable(QString::number(result.problems.size())));
    }
}

// Found by fuzz_manifest_validator: an Ingress whose rules are a mapping made the ingress rule
// iterate a mapping as a list, and yaml-cpp threw out of the validator (on the Manifests tab's
// worker that ends the process). Now the schema says what is wrong and every rule still runs.
void TestValidation::aMappingWhereAListBelongsIsAProblemNotACrash()
{
    const QString file = QStringLiteral(LUCENT_TEST_DATA_DIR "/validation/hostile/rules-as-mapping.yaml");
    const ValidationResult result = Validator().validate({{file, readAll(file)}});
    QCOMPARE(result.errors(), 1);
    QCOMPARE(result.problems.constFirst().ruleId, QStringLiteral("schema-type"));
    QVERIFY2(result.problems.constFirst().message.contains(QStringLiteral("\"spec.rules\" must be a list")),
             qPrintable(result.problems.constFirst().message));
}

void TestValidation::aNamelessObjectIsCalledSo()
{
    const QByteArray text = "apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\nspec:\n  ports: [{port: 80}]\n";
    const ValidationResult result = Validator().validate({{QStringLiteral("nameless.yaml"), text}});
    const auto labels = std::find_if(result.problems.cbegin(), result.problems.cend(),
                                     [](const Problem &p) { return p.ruleId == QLatin1String("required-labels"); });
    QVERIFY(labels != result.problems.cend());
    QVERIFY2(labels->message.startsWith(QStringLiteral("Service without a name lacks the labels")),
             qPrintable(labels->message));
}

void TestValidation::silentOnRepositoryManifests()
{
    QList<Problem> unreadable;
    const auto sources = Validator::collect({SourceDir + QStringLiteral("/manifests")}, &unreadable);
    QVERIFY(unreadable.isEmpty());
    const ValidationResult result = Validator().validate(sources);
    QVERIFY2(result.problems.isEmpty(), qPrintable(describe(result.problems).join(QLatin1Char('\n'))));
    QVERIFY2(result.documents >= 40, qPrintable(QString::number(result.documents)));
}

void TestValidation::productionComesFromKustomizeNamespaces()
{
    // base/ has no namespace; the production kustomization puts it in lucent-platform, whose
    // Namespace says production. Without Redis' ignore annotation the rule must speak.
    auto sources = Validator::collect({SourceDir + QStringLiteral("/manifests")}, nullptr);
    for (auto &s : sources) {
        if (s.path.endsWith(QLatin1String("base/redis.yaml")))
            s.text.replace("    lucent.com/validation-ignore: production-replicas\n", "");
    }
    const ValidationResult result = Validator().validate(sources);
    QCOMPARE(result.problems.size(), 1);
    QCOMPARE(result.problems[0].ruleId, QStringLiteral("production-replicas"));
    QCOMPARE(result.problems[0].objectName, QStringLiteral("Deployment/redis"));
    QVERIFY(result.problems[0].message.contains(QLatin1String("lucent-platform")));
    QVERIFY(!result.problems[0].message.contains(QLatin1String("lucent-staging")));
}

// "replicas: three" in production is one mistake, the type; read as a number it used to add a
// false "runs 0 replicas in production".
void TestValidation::wordedReplicaCountIsATypeErrorOnly()
{
    auto sources = Validator::collect({SourceDir + QStringLiteral("/manifests")}, nullptr);
    bool edited = false;
    for (auto &s : sources) {
        if (s.path.endsWith(QLatin1String("base/wallet-service.yaml"))) {
            s.text.replace("  replicas: 3\n", "  replicas: three\n");
            edited = s.text.contains("replicas: three");
        }
    }
    QVERIFY(edited);
    const ValidationResult result = Validator().validate(sources);
    QStringList wallet;
    for (const auto &p : result.problems) {
        if (p.objectName == QLatin1String("Deployment/wallet-service"))
            wallet.append(p.ruleId + QLatin1Char(' ') + p.message);
    }
    QVERIFY2(!wallet.join(QLatin1Char('\n')).contains(QLatin1String("production-replicas")),
             qPrintable(wallet.join(QLatin1Char('\n'))));
    QVERIFY2(!wallet.isEmpty() && wallet.join(QLatin1Char('\n')).contains(QLatin1String("schema-type")),
             qPrintable(wallet.join(QLatin1Char('\n'))));
}

void TestValidation::seedMistakesAreFlagged()
{
    const QString path = seedPath();
    QVERIFY2(!path.isEmpty(), "deployment-standards.md not found; set LUCENT_SEED_STANDARDS to its path");
    const QList<SeedBlock> blocks = seedBlocks(readAll(path));
    QVERIFY2(blocks.size() >= 6, qPrintable(QString::number(blocks.size())));
    QList<ManifestSource> sources;
    for (int i = 0; i < blocks.size(); ++i)
        sources.append({QStringLiteral("seed-block-%1.yaml").arg(blocks[i].firstLine), blocks[i].text});
    ValidationSettings settings;
    settings.productionNamespaces = {QStringLiteral("lucent-platform")};
    const ValidationResult result = Validator(settings).validate(sources);

    auto has = [&](const QString &rule, const QString &needle) {
        for (const auto &p : result.problems) {
            if (p.ruleId == rule && (p.message.contains(needle) || p.objectName.contains(needle)))
                return true;
        }
        return false;
    };
    const QString all = describe(result.problems).join(QLatin1Char('\n'));
    // The mistakes the issue and the review of the seed name.
    QVERIFY2(has(QStringLiteral("schema-unknown-kind"), QStringLiteral("SecurityPolicy")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("secret-data"), QStringLiteral("<base64-encoded-secret>")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("secret-data"), QStringLiteral("<base64-encoded-password>")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("image-tag-pinned"), QStringLiteral("lucent/user-service:latest")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("image-tag-pinned"), QStringLiteral("lucent/wallet-service:latest")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("ingress-backend"), QStringLiteral("api-gateway-service")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("ingress-backend"), QStringLiteral("frontend-service")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("run-as-non-root"), QStringLiteral("user-service")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("no-privilege-escalation"), QStringLiteral("wallet-service")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("probes-set"), QStringLiteral("mongodb")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("production-replicas"), QStringLiteral("Deployment/redis")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("required-labels"), QStringLiteral("Deployment/user-service")), qPrintable(all));
    QVERIFY(result.errors() >= 15);

    // Positions point into the block: the SecurityPolicy's kind line, as the markdown has it.
    for (const auto &p : result.problems) {
        if (p.ruleId != QLatin1String("schema-unknown-kind"))
            continue;
        const SeedBlock *block = nullptr;
        for (const auto &b : blocks) {
            if (p.file == QStringLiteral("seed-block-%1.yaml").arg(b.firstLine))
                block = &b;
        }
        QVERIFY(block);
        const QByteArray line = block->text.split('\n').value(p.line - 1);
        QCOMPARE(line, QByteArray("kind: SecurityPolicy"));
        QCOMPARE(p.column, 7);
        QCOMPARE(p.length, int(qstrlen("SecurityPolicy")));
    }
}

void TestValidation::positionsAcrossDocuments()
{
    // Line numbers count from the file, not the document; columns of quoted values start at
    // the quote and the underline covers the quotes.
    const QByteArray text = "# leading comment\n"
                            "---\n"
                            "apiVersion: v1\n"
                            "kind: ConfigMap\n"
                            "metadata: {name: one}\n"
                            "data: {a: \"1\"}\n"
                            "---\n"
                            "---\n"
                            "apiVersion: v1\n"
                            "kind: ConfigMap\n"
                            "metadata:\n"
                            "  name: two\n"
                            "  labelz: {}\n"
                            "data:\n"
                            "  port: 8080\n"
                            "  name: \"x\"\n"
                            "  name: \"y\"\n";
    ValidationSettings settings;
    settings.requiredLabels.clear();
    const ValidationResult result = Validator(settings).validate({{QStringLiteral("multi.yaml"), text}});
    QCOMPARE(result.documents, 2);
    QCOMPARE(
        describe(result.problems),
        QStringList({QStringLiteral("multi.yaml:13:3: error: Unknown field \"metadata.labelz\"; the API server "
                                    "rejects it with fieldValidation=Strict and drops it otherwise. Did you mean "
                                    "\"labels\"? [schema-unknown-field]"),
                     QStringLiteral("multi.yaml:15:9: error: \"data.port\" must be a string, not the number 8080. "
                                    "Quote it: \"8080\". [schema-type]"),
                     QStringLiteral("multi.yaml:17:3: error: The key \"name\" is repeated (first on line 16). The "
                                    "API server refuses duplicate fields; keep one of them. [yaml-duplicate-key]")}));
    QCOMPARE(result.problems[1].length, 4);
    QCOMPARE(result.problems[0].length, 6);
}

void TestValidation::sarifIsStructurallyValid()
{
    const QString file = rulesDir() + QStringLiteral("port-consistency.yaml");
    const ValidationResult result = Validator().validate({{file, readAll(file)}});
    QVERIFY(!result.problems.isEmpty());
    const QJsonDocument doc = QJsonDocument::fromJson(formatSarif(result, SourceDir, QStringLiteral("9.9.9")));
    QVERIFY(doc.isObject());
    const QJsonObject root = doc.object();
    // SARIF 2.1.0 (OASIS): version, runs[], each run a tool.driver with a name; results with a
    // message text, a level from its enum, ruleId/ruleIndex that agree with driver.rules, and
    // physical locations whose regions start at line 1 or later.
    QCOMPARE(root.value(QLatin1String("version")).toString(), QStringLiteral("2.1.0"));
    QVERIFY(root.value(QLatin1String("$schema")).toString().contains(QLatin1String("sarif-2.1.0")));
    const QJsonArray runs = root.value(QLatin1String("runs")).toArray();
    QCOMPARE(runs.size(), 1);
    const QJsonObject run = runs[0].toObject();
    const QJsonObject driver = run[QLatin1String("tool")][QLatin1String("driver")].toObject();
    QVERIFY(!driver.value(QLatin1String("name")).toString().isEmpty());
    QCOMPARE(driver.value(QLatin1String("version")).toString(), QStringLiteral("9.9.9"));
    const QJsonArray rules = driver.value(QLatin1String("rules")).toArray();
    QCOMPARE(rules.size(), ruleCatalog().size());
    QSet<QString> ids;
    for (const auto &r : rules) {
        const QJsonObject rule = r.toObject();
        const QString id = rule.value(QLatin1String("id")).toString();
        QVERIFY(!id.isEmpty() && !ids.contains(id));
        ids.insert(id);
        QVERIFY(!rule[QLatin1String("shortDescription")][QLatin1String("text")].toString().isEmpty());
        QVERIFY(QStringList({QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("note")})
                    .contains(rule[QLatin1String("defaultConfiguration")][QLatin1String("level")].toString()));
    }
    const QString srcRoot
        = run[QLatin1String("originalUriBaseIds")][QLatin1String("%SRCROOT%")][QLatin1String("uri")].toString();
    QVERIFY2(srcRoot.startsWith(QLatin1String("file:///")) && srcRoot.endsWith(QLatin1Char('/')), qPrintable(srcRoot));
    const QJsonArray results = run.value(QLatin1String("results")).toArray();
    QCOMPARE(results.size(), result.problems.size());
    for (int i = 0; i < results.size(); ++i) {
        const QJsonObject r = results[i].toObject();
        QVERIFY(!r[QLatin1String("message")][QLatin1String("text")].toString().isEmpty());
        QVERIFY(QStringList({QStringLiteral("none"), QStringLiteral("note"), QStringLiteral("warning"),
                             QStringLiteral("error")})
                    .contains(r.value(QLatin1String("level")).toString()));
        const int index = r.value(QLatin1String("ruleIndex")).toInt(-1);
        QVERIFY(index >= 0 && index < rules.size());
        QCOMPARE(rules[index].toObject().value(QLatin1String("id")).toString(),
                 r.value(QLatin1String("ruleId")).toString());
        const QJsonObject location = r[QLatin1String("locations")][0][QLatin1String("physicalLocation")].toObject();
        const QJsonObject artifact = location.value(QLatin1String("artifactLocation")).toObject();
        QCOMPARE(artifact.value(QLatin1String("uri")).toString(),
                 QStringLiteral("tests/data/validation/rules/port-consistency.yaml"));
        QCOMPARE(artifact.value(QLatin1String("uriBaseId")).toString(), QStringLiteral("%SRCROOT%"));
        const QJsonObject region = location.value(QLatin1String("region")).toObject();
        QCOMPARE(region.value(QLatin1String("startLine")).toInt(), result.problems[i].line);
        QCOMPARE(region.value(QLatin1String("startColumn")).toInt(), result.problems[i].column);
        QVERIFY(region.value(QLatin1String("endColumn")).toInt() > region.value(QLatin1String("startColumn")).toInt());
    }
}

void TestValidation::jsonReport()
{
    const QString file = rulesDir() + QStringLiteral("secret-data.yaml");
    const ValidationResult result = Validator().validate({{file, readAll(file)}});
    const QJsonObject root = QJsonDocument::fromJson(formatJson(result)).object();
    QCOMPARE(root.value(QLatin1String("errors")).toInt(), result.errors());
    QCOMPARE(root.value(QLatin1String("documents")).toInt(), 1);
    const QJsonObject first = root.value(QLatin1String("problems")).toArray().first().toObject();
    QCOMPARE(first.value(QLatin1String("line")).toInt(), 8);
    QCOMPARE(first.value(QLatin1String("column")).toInt(), 15);
    QCOMPARE(first.value(QLatin1String("rule")).toString(), QStringLiteral("secret-data"));
    QCOMPARE(first.value(QLatin1String("object")).toString(), QStringLiteral("Secret/lucent-secrets"));
    // The text report ends with a count a CI log can grep.
    QVERIFY(formatText(result).endsWith("4 errors, 0 warnings in 1 file (1 document).\n"));
}

void TestValidation::projectSettings()
{
    using Lucent::Core::Environment::ProjectConfig;
    const ProjectConfig config
        = ProjectConfig::parse("environments:\n"
                               "  - {name: production, context: prod, namespace: lucent-platform, "
                               "protected: true}\n"
                               "validation:\n"
                               "  requiredLabels: [team]\n"
                               "  rules:\n"
                               "    probes-set: off\n"
                               "    resources-set: error\n"
                               "    no-such-rule: warning\n"
                               "    image-tag-pinned: loud\n",
                               QStringLiteral("lucent.yaml"));
    QCOMPARE(config.problems.size(), 2);
    QCOMPARE(config.problems[0].line, 8);
    QVERIFY(config.problems[0].message.contains(QLatin1String("unknown validation rule 'no-such-rule'")));
    QCOMPARE(config.problems[1].line, 9);
    const ValidationSettings settings = config.validationSettings();
    QCOMPARE(settings.productionNamespaces, QStringList{QStringLiteral("lucent-platform")});
    QCOMPARE(settings.requiredLabels, QStringList{QStringLiteral("team")});
    QVERIFY(!settings.isEnabled(QStringLiteral("probes-set")));
    QCOMPARE(settings.severityOf(QStringLiteral("resources-set")), Severity::Error);
    QCOMPARE(settings.severityOf(QStringLiteral("drop-all-capabilities")), Severity::Warning);

    // Applied: probes off, resources promoted to errors, the team label required.
    const QString file = rulesDir() + QStringLiteral("resources-set.yaml");
    const ValidationResult result = Validator(settings).validate({{file, readAll(file)}});
    QStringList rules;
    for (const auto &p : result.problems)
        rules.append(p.ruleId + QLatin1Char('/') + severityName(p.severity));
    QCOMPARE(rules,
             QStringList({QStringLiteral("required-labels/warning"), QStringLiteral("resources-set/error"),
                          QStringLiteral("resources-set/error")}));
}

void TestValidation::ignoreAnnotation()
{
    const QByteArray text = "apiVersion: v1\n"
                            "kind: Pod\n"
                            "metadata:\n"
                            "  name: tooling\n"
                            "  labels: {app: tooling, app.kubernetes.io/part-of: lucent}\n"
                            "  annotations:\n"
                            "    lucent.com/validation-ignore: \"probes-set, resources-set\"\n"
                            "spec:\n"
                            "  securityContext: {runAsNonRoot: true}\n"
                            "  containers:\n"
                            "  - name: tooling\n"
                            "    image: lucent/tooling:latest\n"
                            "    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";
    const ValidationResult result = Validator().validate({{QStringLiteral("pod.yaml"), text}});
    QCOMPARE(result.problems.size(), 1);
    QCOMPARE(result.problems[0].ruleId, QStringLiteral("image-tag-pinned"));
}

void TestValidation::openApiV3Conversion()
{
    // The shape Kubernetes publishes: refs through allOf, int-or-string, quantities via oneOf,
    // enums, and a CRD with an inline schema and preserved unknown fields.
    const QJsonObject apps = QJsonDocument::fromJson(R"j({
      "info": {"title": "Kubernetes", "version": "v1.32.0"},
      "components": {"schemas": {
        "io.k8s.api.apps.v1.Deployment": {
          "type": "object",
          "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},
            "spec": {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"}]}
          },
          "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1"}]
        },
        "io.k8s.api.apps.v1.DeploymentSpec": {
          "type": "object", "required": ["selector"],
          "properties": {
            "replicas": {"type": "integer", "format": "int32"},
            "selector": {"type": "object", "additionalProperties": {"type": "string"}},
            "strategy": {"type": "string", "enum": ["Recreate", "RollingUpdate"]},
            "maxSurge": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}]},
            "memory": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}]}
          }
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
          "type": "object", "properties": {"name": {"type": "string"}}
        },
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        "com.example.v1.Widget": {
          "type": "object",
          "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},
            "spec": {"type": "object", "required": ["size"],
                     "properties": {"size": {"type": "integer"}, "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
          },
          "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}]
        }
      }}})j")
                                 .object();
    const auto schema = KubernetesSchema::fromOpenApiV3({apps}, QStringLiteral("v1.32.0"));
    QVERIFY(schema->rootFor(QStringLiteral("apps/v1"), QStringLiteral("Deployment")));
    QVERIFY(schema->rootFor(QStringLiteral("example.com/v1"), QStringLiteral("Widget")));
    const QByteArray text = "apiVersion: apps/v1\n"
                            "kind: Deployment\n"
                            "metadata: {name: d}\n"
                            "spec:\n"
                            "  replicas: two\n"
                            "  strategy: Rolling\n"
                            "  maxSurge: 25%\n"
                            "  memory: 1Gi\n"
                            "  paused: true\n"
                            "---\n"
                            "apiVersion: example.com/v1\n"
                            "kind: Widget\n"
                            "metadata: {name: w}\n"
                            "spec:\n"
                            "  extra: {anything: [1, 2]}\n";
    ValidationSettings settings;
    settings.requiredLabels.clear();
    const ValidationResult result = Validator(settings, schema).validate({{QStringLiteral("crd.yaml"), text}});
    QStringList found;
    for (const auto &p : result.problems)
        found.append(QStringLiteral("%1:%2 %3").arg(p.line).arg(p.column).arg(p.ruleId));
    QCOMPARE(found,
             QStringList({QStringLiteral("4:1 schema-required"), QStringLiteral("5:13 schema-type"),
                          QStringLiteral("6:13 schema-enum"), QStringLiteral("9:3 schema-unknown-field"),
                          QStringLiteral("14:1 schema-required")}));
}

void TestValidation::hostileInputIsAProblemNotACrash()
{
    QByteArray binary(4096, '\0');
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 7919) % 251);
    const QList<ManifestSource> sources{
        {QStringLiteral("deep.yaml"), QByteArray(100000, '[')},
        {QStringLiteral("binary.yaml"), binary},
        {QStringLiteral("empty.yaml"), QByteArray()},
        {QStringLiteral("comments.yaml"), "# nothing here\n---\n# nor here\n"},
        {QStringLiteral("scalar.yaml"), "just a string\n"},
        {QStringLiteral("list.yaml"), "- a\n- b\n"},
    };
    const ValidationResult result = Validator().validate(sources);
    QCOMPARE(result.files, 6);
    QStringList seen;
    for (const auto &p : result.problems)
        seen.append(p.file + QLatin1Char(' ') + p.ruleId);
    QVERIFY2(seen.contains(QStringLiteral("deep.yaml yaml-syntax")), qPrintable(seen.join(QLatin1Char('\n'))));
    // Bytes that are no YAML either fail to parse or read as one odd scalar: an error either way.
    QVERIFY2(seen.contains(QStringLiteral("binary.yaml yaml-syntax"))
                 || seen.contains(QStringLiteral("binary.yaml schema-type")),
             qPrintable(seen.join(QLatin1Char('\n'))));
    QVERIFY(seen.contains(QStringLiteral("scalar.yaml schema-type")));
    QVERIFY(seen.contains(QStringLiteral("list.yaml schema-type")));
    QVERIFY(!seen.join(QLatin1Char(' ')).contains(QLatin1String("empty.yaml")));
    QVERIFY(!seen.join(QLatin1Char(' ')).contains(QLatin1String("comments.yaml")));
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
