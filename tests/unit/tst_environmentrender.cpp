// An environment is rendered by the real kustomize, not guessed (issue 32): kustomize build where
// it is on PATH, else kubectl kustomize; a missing tool, a broken kustomization or a directory
// without one is a sentence. The environment's kustomization comes from lucent.yaml's
// 'manifests:', relative to the project file.

#include "core/apply/environmentrender.h"
#include "core/environment/projectconfig.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Lucent::Core;
using Apply::EnvironmentRenderer;

class TestEnvironmentRender : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void theStagingOverlayRendersWithKubectl();
    void kustomizeIsPreferredWhereItIsOnPath();
    void aBrokenKustomizationIsASentence();
    void withoutEitherToolItSaysWhatToInstall();
    void theProjectFileNamesTheKustomizationRelativeToItself();

private:
    /// Renders @p directory; the objects, or the failure's sentence in @p failure.
    static QList<Validation::ManifestObject> render(const QString &directory, QString *failure,
                                                    QString *command = nullptr);
    static bool writeFile(const QString &path, const QByteArray &content, bool executable = false);

    QByteArray m_path; ///< PATH as the test started, put back after each function
};

void TestEnvironmentRender::init()
{
    m_path = qgetenv("PATH");
}

void TestEnvironmentRender::cleanup()
{
    qputenv("PATH", m_path);
}

QList<Validation::ManifestObject> TestEnvironmentRender::render(const QString &directory, QString *failure,
                                                                QString *command)
{
    EnvironmentRenderer renderer;
    QSignalSpy rendered(&renderer, &EnvironmentRenderer::rendered);
    QSignalSpy failed(&renderer, &EnvironmentRenderer::failed);
    renderer.render(directory);
    if (rendered.isEmpty() && failed.isEmpty()
        && !QTest::qWaitFor([&] { return !rendered.isEmpty() || !failed.isEmpty(); }, 30000)) {
        *failure = QStringLiteral("the render did not report within 30 s");
        return {};
    }
    if (command)
        *command = renderer.command();
    if (!failed.isEmpty()) {
        *failure = failed.constFirst().constFirst().toString();
        return {};
    }
    return rendered.constFirst().constFirst().value<QList<Validation::ManifestObject>>();
}

bool TestEnvironmentRender::writeFile(const QString &path, const QByteArray &content, bool executable)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return false;
    file.close();
    return !executable || file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
}

void TestEnvironmentRender::theStagingOverlayRendersWithKubectl()
{
    QVERIFY2(QStandardPaths::findExecutable(QStringLiteral("kustomize")).isEmpty(),
             "a kustomize on PATH would be preferred: this test is about kubectl's");
    QString failure, command;
    const auto objects = render(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/staging"), &failure, &command);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(command, QStringLiteral("kubectl kustomize"));
    const auto wallet = std::find_if(objects.cbegin(), objects.cend(), [](const Validation::ManifestObject &o) {
        return o.kind() == QLatin1String("Service") && o.name() == QLatin1String("wallet-service");
    });
    QVERIFY(wallet != objects.cend());
    // The overlay's namespace is applied by kustomize, and git's selector names no colour.
    QCOMPARE(wallet->namespaceName(), QStringLiteral("lucent-staging"));
    const QJsonObject selector = wallet->object[QLatin1String("spec")][QLatin1String("selector")].toObject();
    QCOMPARE(selector, (QJsonObject{{QStringLiteral("app"), QStringLiteral("wallet-service")}}));
    QVERIFY(std::any_of(objects.cbegin(), objects.cend(), [](const Validation::ManifestObject &o) {
        return o.kind() == QLatin1String("Namespace") && o.name() == QLatin1String("lucent-staging");
    }));
    QVERIFY(objects.size() >= 20);
}

void TestEnvironmentRender::kustomizeIsPreferredWhereItIsOnPath()
{
    QTemporaryDir bin;
    QVERIFY(bin.isValid());
    // A stand-in kustomize that prints one object and the arguments it got.
    QVERIFY(writeFile(bin.filePath(QStringLiteral("kustomize")),
                      "#!/bin/sh\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: from-kustomize\\n"
                      "data:\\n  args: \"%s %s\"\\n' \"$1\" \"$2\"\n",
                      true));
    qputenv("PATH", bin.path().toUtf8() + ':' + m_path);
    QString failure, command;
    const auto objects = render(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/staging"), &failure, &command);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(command, QStringLiteral("kustomize build"));
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.constFirst().name(), QStringLiteral("from-kustomize"));
    QCOMPARE(objects.constFirst().object[QLatin1String("data")][QLatin1String("args")].toString(),
             QStringLiteral("build " LUCENT_SOURCE_DIR "/manifests/staging"));
}

void TestEnvironmentRender::aBrokenKustomizationIsASentence()
{
    QTemporaryDir overlay;
    QVERIFY(overlay.isValid());
    QVERIFY(writeFile(overlay.filePath(QStringLiteral("kustomization.yaml")),
                      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                      "- missing-service.yaml\n"));
    QString failure;
    QVERIFY(render(overlay.path(), &failure).isEmpty());
    QVERIFY2(failure.startsWith(QStringLiteral("kubectl kustomize %1 failed: ").arg(overlay.path())),
             qPrintable(failure));
    QVERIFY2(failure.contains(QStringLiteral("missing-service.yaml")), qPrintable(failure));
    QVERIFY2(!failure.contains(QStringLiteral("run.go")), qPrintable(failure)); // kubectl's log header is not news
    QVERIFY2(failure.endsWith(QStringLiteral("Fix the kustomization, then render again.")), qPrintable(failure));

    QTemporaryDir empty;
    QVERIFY(render(empty.path(), &failure).isEmpty());
    QVERIFY2(failure.contains(QStringLiteral("has no kustomization.yaml")), qPrintable(failure));
}

void TestEnvironmentRender::withoutEitherToolItSaysWhatToInstall()
{
    QTemporaryDir nothing;
    qputenv("PATH", nothing.path().toUtf8());
    QString failure;
    QVERIFY(render(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/staging"), &failure).isEmpty());
    QVERIFY2(failure.contains(QStringLiteral("needs kustomize or kubectl on PATH, and neither was found")),
             qPrintable(failure));
}

void TestEnvironmentRender::theProjectFileNamesTheKustomizationRelativeToItself()
{
    const auto config = Environment::ProjectConfig::parse("environments:\n"
                                                          "  - name: staging\n"
                                                          "    context: lucent-staging\n"
                                                          "    namespace: lucent-staging\n"
                                                          "    manifests: manifests/staging\n"
                                                          "  - name: production\n"
                                                          "    context: lucent-prod\n"
                                                          "    namespace: lucent-platform\n",
                                                          QStringLiteral("/work/project/lucent.yaml"));
    QVERIFY(config.problems.isEmpty());
    QCOMPARE(config.environment(QStringLiteral("staging"))->manifests,
             QStringLiteral("/work/project/manifests/staging"));
    QCOMPARE(config.environment(QStringLiteral("production"))->manifests, QString());
}

QTEST_GUILESS_MAIN(TestEnvironmentRender)
#include "tst_environmentrender.moc"
