// The sandbox as the real kubectl sees it (tst_sandbox_kubectl.h): reads, writes, rollouts,
// watches and logs.

#include "tst_sandbox_kubectl.h"

QJsonObject TestSandboxKubectl::getJson(const QStringList &args) const
{
    const CommandResult r = kubectl(args + S({"-o", "json"}));
    if (r.exitCode != 0)
        qWarning("kubectl %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), qPrintable(r.errText()));
    return r.json().object();
}

QStringList TestSandboxKubectl::names(const QStringList &args) const
{
    const CommandResult r = kubectl(args + S({"-o", "json"}));
    // A failed kubectl lists nothing, which must not pass for "none left": its one entry says
    // what failed, and equals no name a test expects.
    if (r.exitCode != 0)
        return {QStringLiteral("(kubectl %1 failed: %2)").arg(args.join(QLatin1Char(' ')), r.errText().trimmed())};
    QStringList result;
    for (const auto &item : r.json().object().value(QStringLiteral("items")).toArray())
        result.append(
            item.toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString());
    result.sort();
    return result;
}

void TestSandboxKubectl::initTestCase()
{
    QVERIFY2(!SandboxProcess::kubectlPath().isEmpty(), "kubectl is not on PATH");
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    // The platform is up once every deployment of staging reports all replicas available.
    const CommandResult wait
        = kubectl(S({"wait", "deploy", "--all", "-n", "lucent-staging", "--for=condition=Available", "--timeout=60s"}));
    QVERIFY2(wait.exitCode == 0, qPrintable(wait.errText()));
}

void TestSandboxKubectl::discovery()
{
    const CommandResult resources = kubectl(S({"api-resources", "-o", "name"}));
    QCOMPARE(resources.exitCode, 0);
    for (const char *name : {"pods", "services", "endpoints", "events", "configmaps", "secrets", "serviceaccounts",
                             "namespaces", "deployments.apps", "replicasets.apps", "statefulsets.apps",
                             "leases.coordination.k8s.io", "selfsubjectaccessreviews.authorization.k8s.io"})
        QVERIFY2(resources.outText().split(QLatin1Char('\n')).contains(QLatin1String(name)), name);
    // kubectl explain reads the OpenAPI v3 documents.
    CommandResult explain = kubectl(S({"explain", "deployment.spec.replicas"}));
    QVERIFY2(explain.exitCode == 0 && explain.outText().contains(QStringLiteral("FIELD: replicas <integer>")),
             qPrintable(explain.outText() + explain.errText()));
    explain = kubectl(S({"explain", "pod.spec.containers.ports"}));
    QVERIFY2(explain.outText().contains(QStringLiteral("FIELD: ports <[]ContainerPort>")),
             qPrintable(explain.outText() + explain.errText()));
    const QJsonObject version = kubectl(S({"version", "-o", "json"})).json().object();
    QVERIFY(version.value(QStringLiteral("serverVersion"))
                .toObject()
                .value(QStringLiteral("gitVersion"))
                .toString()
                .startsWith(QStringLiteral("v1.32")));
}

void TestSandboxKubectl::getAndListWithSelectors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    const QStringList all = S({"api-gateway", "frontend", "notification-service", "play-service", "portfolio-service",
                               "redis", "task-service", "user-service", "wallet-service"});
    QTest::addRow("all") << S({"get", "deploy", "-n", "lucent-platform"}) << all;
    QTest::addRow("equals") << S({"get", "deploy", "-n", "lucent-platform", "-l", "tier=gateway"})
                            << S({"api-gateway"});
    QTest::addRow("double equals") << S({"get", "deploy", "-n", "lucent-platform", "-l", "tier==frontend"})
                                   << S({"frontend"});
    QTest::addRow("in") << S({"get", "deploy", "-n", "lucent-platform", "-l", "tier in (gateway,frontend)"})
                        << S({"api-gateway", "frontend"});
    QTest::addRow("notin") << S({"get", "deploy", "-n", "lucent-platform", "-l", "tier notin (backend)"})
                           << S({"api-gateway", "frontend", "redis"});
    QTest::addRow("not equals") << S({"get", "deploy", "-n", "lucent-platform", "-l", "tier!=backend,tier!=gateway"})
                                << S({"frontend", "redis"});
    QTest::addRow("exists") << S({"get", "sts", "-n", "lucent-platform", "-l", "tier"}) << S({"mongodb"});
    QTest::addRow("does not exist") << S({"get", "svc", "-n", "lucent-platform", "-l", "!app"}) << QStringList{};
    QTest::addRow("field name") << S(
        {"get", "deploy", "-n", "lucent-platform", "--field-selector", "metadata.name=user-service"})
                                << S({"user-service"});
    QTest::addRow("field namespace") << S({"get", "ns", "--field-selector", "metadata.name!=lucent-staging"})
                                     << S({"lucent-platform", "monitoring"});
}

void TestSandboxKubectl::getAndListWithSelectors()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    QCOMPARE(names(args), expected);
}

void TestSandboxKubectl::manifestsLoadAsKustomizeRendersThem_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("ns");
    QTest::addRow("staging") << QStringLiteral("staging") << QStringLiteral("lucent-staging");
    QTest::addRow("production") << QStringLiteral("production") << QStringLiteral("lucent-platform");
    QTest::addRow("monitoring") << QStringLiteral("monitoring") << QStringLiteral("monitoring");
}

void TestSandboxKubectl::manifestsLoadAsKustomizeRendersThem()
{
    // kubectl's own kustomize renders each environment; the sandbox must hold exactly those
    // objects in that namespace (it reads the same kustomization files itself).
    QFETCH(QString, directory);
    QFETCH(QString, ns);
    const CommandResult rendered
        = kubectl({QStringLiteral("kustomize"), QStringLiteral(LUCENT_TEST_DATA_DIR "/../../manifests/") + directory});
    QVERIFY2(rendered.exitCode == 0, qPrintable(rendered.errText()));
    const CommandResult named = kubectl(S({"create", "--dry-run=client", "-o", "name", "-f", "-"}), rendered.out);
    QVERIFY2(named.exitCode == 0, qPrintable(named.errText()));
    QStringList expected = named.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    expected.removeIf([](const QString &name) { return name.startsWith(QLatin1String("namespace/")); });
    expected.sort();
    QVERIFY(expected.size() >= 2);
    const CommandResult live = kubectl(
        S({"get", "deployments,statefulsets,services,configmaps,ingresses,networkpolicies", "-o", "name", "-n"})
        + QStringList{ns});
    QVERIFY2(live.exitCode == 0, qPrintable(live.errText()));
    QStringList actual = live.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    actual.sort();
    QCOMPARE(actual, expected);
    // And the Namespace with its Pod Security Admission labels.
    const CommandResult labels = kubectl(S({"get", "-o", "jsonpath={.metadata.labels}", "ns"}) + QStringList{ns});
    QVERIFY2(labels.outText().contains(QLatin1String("pod-security.kubernetes.io/enforce")),
             qPrintable(labels.outText()));
}

void TestSandboxKubectl::fieldSelectorsPerKind()
{
    // The field labels the API server registers per kind: pods by phase and node, events by
    // their object, secrets by type; anything else is refused in the API server's words.
    auto names = [this](const QStringList &args) {
        const CommandResult r = kubectl(args + S({"-o", "name"}));
        return r.exitCode == 0 ? r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts) : QStringList{r.errText()};
    };
    const QStringList pods = names(S({"get", "pods", "-n", "lucent-platform"}));
    QVERIFY(pods.size() >= 19);
    QTRY_COMPARE_WITH_TIMEOUT(
        names(S({"get", "pods", "-n", "lucent-platform", "--field-selector", "status.phase=Running"})), pods, 60000);
    QCOMPARE(names(S({"get", "pods", "-n", "lucent-platform", "--field-selector", "status.phase!=Running"})),
             QStringList());
    QCOMPARE(names(S({"get", "pods", "-n", "lucent-platform", "--field-selector",
                      "status.phase=Running,spec.restartPolicy=Always,spec.hostNetwork=false"})),
             pods);
    QCOMPARE(names(S({"get", "secrets", "-n", "lucent-platform", "--field-selector", "type=Opaque"})),
             S({"secret/lucent-secrets"}));
    const QStringList deploymentEvents
        = names(S({"get", "events", "-n", "lucent-platform", "--field-selector", "involvedObject.kind=Deployment"}));
    QVERIFY(!deploymentEvents.isEmpty());
    QVERIFY(deploymentEvents.size()
            < names(S({"get", "events", "-n", "lucent-platform"})).size()); // pods and replica sets have events too
    const CommandResult refused
        = kubectl(S({"get", "deploy", "-n", "lucent-platform", "--field-selector", "status.phase=Running"}));
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.errText().contains(QLatin1String("field label not supported: status.phase")),
             qPrintable(refused.errText()));
}

void TestSandboxKubectl::chunkedList()
{
    // kubectl pages with limit and continue; --chunk-size=3 takes three round trips for 9
    // (the eight services and Redis).
    const CommandResult r
        = kubectl(S({"get", "deploy", "-n", "lucent-platform", "--chunk-size=3", "-o", "name", "-v=6"}));
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.outText().trimmed().split(QLatin1Char('\n')).size(), 9);
    QCOMPARE(r.errText().count(QStringLiteral("limit=3")), 3);
    QCOMPARE(r.errText().count(QStringLiteral("continue=")), 2);
}

void TestSandboxKubectl::applyClientSide()
{
    const QByteArray manifest
        = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-notes\n  namespace: lucent-staging\n"
          "data:\n  version: \"1.4.2\"\n  channel: stable\n";
    CommandResult r = kubectl(S({"apply", "-f", "-"}), manifest);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText().trimmed(), QStringLiteral("configmap/release-notes created"));
    QByteArray changed = manifest;
    changed.replace("channel: stable\n", "");
    changed.replace("1.4.2", "1.5.0");
    r = kubectl(S({"apply", "-f", "-"}), changed);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText().trimmed(), QStringLiteral("configmap/release-notes configured"));
    const QJsonObject data
        = getJson(S({"get", "cm", "release-notes", "-n", "lucent-staging"})).value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("version")).toString(), QStringLiteral("1.5.0"));
    QVERIFY2(!data.contains(QStringLiteral("channel")), "apply removes keys dropped from the file");
    r = kubectl(S({"apply", "-f", "-"}), changed);
    QCOMPARE(r.outText().trimmed(), QStringLiteral("configmap/release-notes unchanged"));
}

void TestSandboxKubectl::patchMergeJsonStrategic()
{
    const QStringList deploy = S({"-n", "lucent-staging", "deploy/notification-service"});
    CommandResult r
        = kubectl(S({"patch", "--type", "merge", "-p", R"({"metadata":{"labels":{"team":"growth"}}})"}) + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"patch", "--type", "json", "-p",
                   R"([{"op":"add","path":"/metadata/annotations/lucent.com~1owner","value":"release"}])"})
                + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // Strategic: the env list merges by name, so the manifest's variables stay and FEATURES joins.
    r = kubectl(
        S({"patch", "--type", "strategic", "-p",
           R"({"spec":{"template":{"spec":{"containers":[{"name":"notification-service","env":[{"name":"FEATURES","value":"beta"}]}]}}}})"})
        + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));

    const QJsonObject object = getJson(S({"get"}) + deploy);
    const QJsonObject meta = object.value(QStringLiteral("metadata")).toObject();
    QCOMPARE(meta.value(QStringLiteral("labels")).toObject().value(QStringLiteral("team")).toString(),
             QStringLiteral("growth"));
    QCOMPARE(meta.value(QStringLiteral("annotations")).toObject().value(QStringLiteral("lucent.com/owner")).toString(),
             QStringLiteral("release"));
    const QJsonArray containers = object[QStringLiteral("spec")][QStringLiteral("template")][QStringLiteral("spec")]
                                        [QStringLiteral("containers")]
                                            .toArray();
    QCOMPARE(containers.size(), 1);
    QStringList env;
    for (const auto &e : containers[0].toObject().value(QStringLiteral("env")).toArray())
        env.append(e.toObject().value(QStringLiteral("name")).toString());
    QCOMPARE(env, S({"PORT", "NODE_ENV", "LOG_LEVEL", "MONGODB_PASSWORD", "MONGODB_URL", "REDIS_URL", "FEATURES"}));
    QVERIFY(containers[0].toObject().contains(QStringLiteral("readinessProbe")));
    QCOMPARE(meta.value(QStringLiteral("generation")).toInt(), 2); // only the template change counts

    r = kubectl(S({"patch", "--type", "json", "-p", R"([{"op":"test","path":"/spec/replicas","value":99}])"}) + deploy);
    QVERIFY(r.exitCode != 0);
}

void TestSandboxKubectl::scale()
{
    CommandResult r = kubectl(S({"scale", "deploy/play-service", "-n", "lucent-staging", "--replicas=4"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"wait", "deploy/play-service", "-n", "lucent-staging", "--for=jsonpath={.status.readyReplicas}=4",
                   "--timeout=60s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(names(S({"get", "pods", "-n", "lucent-staging", "-l", "app=play-service"})).size(), 4);
    r = kubectl(S({"scale", "deploy/play-service", "-n", "lucent-staging", "--replicas=-1"}));
    QVERIFY(r.exitCode != 0);
}

void TestSandboxKubectl::rolloutToHealthyTagCompletes()
{
    CommandResult r = kubectl(
        S({"set", "image", "deploy/user-service", "-n", "lucent-staging", "user-service=lucent/user-service:1.5.0"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "deploy/user-service", "-n", "lucent-staging", "--timeout=90s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY(r.outText().contains(QStringLiteral("deployment \"user-service\" successfully rolled out")));
    const QJsonObject status
        = getJson(S({"get", "deploy/user-service", "-n", "lucent-staging"})).value(QStringLiteral("status")).toObject();
    QCOMPARE(status.value(QStringLiteral("updatedReplicas")).toInt(), 3);
    QCOMPARE(status.value(QStringLiteral("availableReplicas")).toInt(), 3);
    QCOMPARE(names(S({"get", "rs", "-n", "lucent-staging", "-l", "app=user-service"})).size(), 2);
}

void TestSandboxKubectl::rolloutToCrashTagExceedsDeadline()
{
    CommandResult r = kubectl(S({"set", "image", "deploy/user-service", "-n", "lucent-staging",
                                 "user-service=lucent/user-service:1.6.0-crash"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "deploy/user-service", "-n", "lucent-staging", "--timeout=90s"}));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("deployment \"user-service\" exceeded its progress deadline")),
             qPrintable(r.errText()));
    // The old pods keep serving: maxUnavailable is 0.
    const QJsonObject status
        = getJson(S({"get", "deploy/user-service", "-n", "lucent-staging"})).value(QStringLiteral("status")).toObject();
    QCOMPARE(status.value(QStringLiteral("availableReplicas")).toInt(), 3);
    bool crashLooping = false;
    for (const auto &pod : getJson(S({"get", "pods", "-n", "lucent-staging", "-l", "app=user-service"}))
                               .value(QStringLiteral("items"))
                               .toArray()) {
        const auto cs = pod[QStringLiteral("status")][QStringLiteral("containerStatuses")][0].toObject();
        crashLooping = crashLooping
            || cs[QStringLiteral("state")][QStringLiteral("waiting")][QStringLiteral("reason")].toString()
                == QStringLiteral("CrashLoopBackOff")
            || cs[QStringLiteral("restartCount")].toInt() > 0;
    }
    QVERIFY(crashLooping);
}

void TestSandboxKubectl::rolloutUndoRestartPauseResume()
{
    // A Deployment of its own, with a history made here: healthy 1.5.0, then a crashing tag,
    // then undo. user-service's history depends on which tests ran before; this one does not.
    QJsonObject copy = getJson(S({"get", "deploy/user-service", "-n", "lucent-staging"}));
    QVERIFY(!copy.isEmpty());
    copy.insert(QStringLiteral("metadata"),
                QJsonObject{{QStringLiteral("name"), QStringLiteral("undo-probe")},
                            {QStringLiteral("namespace"), QStringLiteral("lucent-staging")}});
    copy.remove(QStringLiteral("status"));
    QJsonObject spec = copy[QStringLiteral("spec")].toObject();
    const QJsonObject labels{{QStringLiteral("app"), QStringLiteral("undo-probe")}};
    spec.insert(QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels}});
    QJsonObject podTemplate = spec[QStringLiteral("template")].toObject();
    QJsonObject templateMeta = podTemplate[QStringLiteral("metadata")].toObject();
    templateMeta.insert(QStringLiteral("labels"), labels);
    templateMeta.remove(QStringLiteral("annotations"));
    podTemplate.insert(QStringLiteral("metadata"), templateMeta);
    QJsonObject podSpec = podTemplate[QStringLiteral("spec")].toObject();
    QJsonArray containers = podSpec[QStringLiteral("containers")].toArray();
    QJsonObject container = containers.at(0).toObject();
    container.insert(QStringLiteral("image"), QStringLiteral("lucent/user-service:1.4.2"));
    containers.replace(0, container);
    podSpec.insert(QStringLiteral("containers"), containers);
    podTemplate.insert(QStringLiteral("spec"), podSpec);
    spec.insert(QStringLiteral("template"), podTemplate);
    copy.insert(QStringLiteral("spec"), spec);
    CommandResult r = kubectl(S({"create", "-f", "-"}), QJsonDocument(copy).toJson());
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QStringList deploy = S({"deploy/undo-probe", "-n", "lucent-staging"});
    const auto removeProbe = qScopeGuard([this] {
        const CommandResult removed = kubectl(S({"delete", "deploy/undo-probe", "-n", "lucent-staging"}));
        if (removed.exitCode != 0)
            QFAIL(qPrintable(QStringLiteral("deleting deploy/undo-probe: ") + removed.errText()));
    });
    const QString container0 = container[QStringLiteral("name")].toString();
    const auto observed = [&] {
        const QJsonObject d = getJson(S({"get"}) + deploy);
        return d[QStringLiteral("status")][QStringLiteral("observedGeneration")].toInteger()
            == d[QStringLiteral("metadata")][QStringLiteral("generation")].toInteger();
    };
    QVERIFY2(kubectl(S({"rollout", "status", "--timeout=90s"}) + deploy).exitCode == 0,
             "the first rollout did not complete");
    for (const char *tag : {"1.5.0", "1.6.0-crash"}) {
        r = kubectl(S({"set", "image"}) + deploy
                    + QStringList{container0 + QStringLiteral("=lucent/user-service:") + QString::fromLatin1(tag)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QTRY_VERIFY_WITH_TIMEOUT(observed(), 20000); // its ReplicaSet exists: a revision of the history
        if (QByteArrayView(tag) == "1.5.0")
            QVERIFY2(kubectl(S({"rollout", "status", "--timeout=90s"}) + deploy).exitCode == 0,
                     "the rollout to 1.5.0 did not complete");
    }

    r = kubectl(S({"rollout", "undo"}) + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(kubectl(S({"rollout", "status", "--timeout=90s"}) + deploy).exitCode == 0,
             "undo rollout did not complete");
    QJsonObject object = getJson(S({"get"}) + deploy);
    QCOMPARE(object[QStringLiteral("spec")][QStringLiteral("template")][QStringLiteral("spec")]
                   [QStringLiteral("containers")][0][QStringLiteral("image")]
                       .toString(),
             QStringLiteral("lucent/user-service:1.5.0"));
    r = kubectl(S({"rollout", "history"}) + deploy);
    QVERIFY2(r.outText().contains(QStringLiteral("\n1 ")) && r.outText().contains(QStringLiteral("\n3 "))
                 && r.outText().contains(QStringLiteral("\n4 ")),
             qPrintable(r.outText()));
    QVERIFY2(!r.outText().contains(QStringLiteral("\n2 ")), "revision 2 became revision 4");

    r = kubectl(S({"rollout", "restart"}) + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY(kubectl(S({"rollout", "status", "--timeout=90s"}) + deploy).exitCode == 0);
    object = getJson(S({"get"}) + deploy);
    QVERIFY(object[QStringLiteral("spec")][QStringLiteral("template")][QStringLiteral("metadata")]
                  [QStringLiteral("annotations")]
                      .toObject()
                      .contains(QStringLiteral("kubectl.kubernetes.io/restartedAt")));

    QVERIFY(kubectl(S({"rollout", "pause"}) + deploy).exitCode == 0);
    object = getJson(S({"get"}) + deploy);
    QVERIFY(object[QStringLiteral("spec")][QStringLiteral("paused")].toBool());
    r = kubectl(S({"set", "image"}) + deploy + QStringList{container0 + QStringLiteral("=lucent/user-service:1.7.0")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // The controller has seen the new template once it reports that generation as observed.
    QTRY_VERIFY_WITH_TIMEOUT(observed(), 20000);
    // 1.4.2, 1.5.0, the crashing tag and the restart: no new ReplicaSet while paused.
    QCOMPARE(names(S({"get", "rs", "-n", "lucent-staging", "-l", "app=undo-probe"})).size(), 4);
    QVERIFY(kubectl(S({"rollout", "resume"}) + deploy).exitCode == 0);
    r = kubectl(S({"rollout", "status", "--timeout=90s"}) + deploy);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
}

void TestSandboxKubectl::recreateStrategyAndStatefulSetUpdate()
{
    // Recreate: every old pod goes before a new one starts.
    CommandResult r = kubectl(S({"patch", "deploy/wallet-service", "-n", "lucent-staging", "--type", "merge", "-p",
                                 R"({"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}})"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"set", "image", "deploy/wallet-service", "-n", "lucent-staging",
                   "wallet-service=lucent/wallet-service:2.2.0"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "deploy/wallet-service", "-n", "lucent-staging", "--timeout=90s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QString events
        = kubectl(
              S({"get", "events", "-n", "lucent-staging", "--field-selector", "metadata.namespace=lucent-staging", "-o",
                 "jsonpath={range .items[?(@.involvedObject.name==\"wallet-service\")]}{.message}{\"\\n\"}{end}"}))
              .outText();
    QVERIFY2(events.contains(QStringLiteral("Scaled down replica set")) && events.contains(QStringLiteral("to 0")),
             qPrintable(events));

    // A StatefulSet template change rolls its pods from the highest ordinal down.
    r = kubectl(S({"scale", "sts/mongodb", "-n", "lucent-staging", "--replicas=2"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "sts/mongodb", "-n", "lucent-staging", "--timeout=90s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"set", "image", "sts/mongodb", "-n", "lucent-staging", "mongodb=mongo:7.0"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "sts/mongodb", "-n", "lucent-staging", "--timeout=90s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(r.outText().contains(QStringLiteral("partitioned roll out complete: 2 new pods have been updated")),
             qPrintable(r.outText()));
    const QString images = kubectl(S({"get", "pods", "-n", "lucent-staging", "-l", "app=mongodb", "-o",
                                      "jsonpath={.items[*].spec.containers[0].image}"}))
                               .outText();
    QCOMPARE(images, QStringLiteral("mongo:7.0 mongo:7.0"));
}

void TestSandboxKubectl::deleteCollectsGarbage()
{
    const QStringList pods = names(S({"get", "pods", "-n", "lucent-staging", "-l", "app=task-service"}));
    QVERIFY2(!pods.isEmpty() && pods.filter(QRegularExpression(QStringLiteral("^task-service-"))) == pods,
             qPrintable(pods.join(QLatin1Char(' '))));
    CommandResult r = kubectl(S({"delete", "deploy/task-service", "-n", "lucent-staging"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // Background propagation: dependents go right away or, when a controller raced the
    // delete, at the garbage collector's next round.
    QTRY_COMPARE_WITH_TIMEOUT(names(S({"get", "rs", "-n", "lucent-staging", "-l", "app=task-service"})), QStringList{},
                              5000);
    QTRY_COMPARE_WITH_TIMEOUT(names(S({"get", "pods", "-n", "lucent-staging", "-l", "app=task-service"})),
                              QStringList{}, 5000);

    // Orphan keeps the ReplicaSet and its pods, without the owner reference.
    r = kubectl(S({"delete", "deploy/portfolio-service", "-n", "lucent-staging", "--cascade=orphan"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // As with Background, a controller that read the Deployment just before the delete may
    // still make a ReplicaSet for it, which the garbage collector removes at its next round:
    // wait until the one orphan, without an owner reference, is all that is left.
    QString left;
    const auto oneOrphan = [&] {
        const CommandResult listed
            = kubectl(S({"get", "rs", "-n", "lucent-staging", "-l", "app=portfolio-service", "-o", "json"}));
        if (listed.exitCode != 0) {
            left = QStringLiteral("kubectl get rs failed: ") + listed.errText();
            return false;
        }
        const QJsonArray items = listed.json().object().value(QStringLiteral("items")).toArray();
        QStringList described;
        for (const QJsonValue &item : items) {
            const QJsonObject metadata = item[QStringLiteral("metadata")].toObject();
            described.append(metadata.value(QStringLiteral("name")).toString()
                             + (metadata.contains(QStringLiteral("ownerReferences")) ? QStringLiteral(" (owned)")
                                                                                     : QStringLiteral(" (orphan)")));
        }
        left = QStringLiteral("ReplicaSets: ") + described.join(QStringLiteral(", "));
        return items.size() == 1
            && !items[0][QStringLiteral("metadata")].toObject().contains(QStringLiteral("ownerReferences"));
    };
    QVERIFY2(QTest::qWaitFor(oneOrphan, 20000), qPrintable(left));
    // Its pods stay with it, still its own.
    const QStringList orphanPods = names(S({"get", "pods", "-n", "lucent-staging", "-l", "app=portfolio-service"}));
    QVERIFY2(!orphanPods.isEmpty()
                 && orphanPods.filter(QRegularExpression(QStringLiteral("^portfolio-service-"))) == orphanPods,
             qPrintable(orphanPods.join(QLatin1Char(' '))));
}

void TestSandboxKubectl::watchReportsChanges()
{
    std::unique_ptr<QProcess> watch(
        m_sandbox.startKubectl(S({"get", "configmaps", "-n", "lucent-platform", "-w", "--output-watch-events", "-o",
                                  "jsonpath={.type} {.object.metadata.name}{\"\\n\"}"})));
    QVERIFY2(watch, "kubectl get -w did not start");
    // The existing ConfigMaps come first as ADDED: the list is done, and what follows is watched.
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += watch->readAllStandardOutput()).contains("ADDED "), 20000);
    QVERIFY(kubectl(S({"create", "-f", "-"}),
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"watched\",\"namespace\":"
                    "\"lucent-platform\"}}")
                .exitCode
            == 0);
    QVERIFY(kubectl(S({"label", "cm/watched", "-n", "lucent-platform", "seen=yes"})).exitCode == 0);
    QVERIFY(kubectl(S({"delete", "cm/watched", "-n", "lucent-platform"})).exitCode == 0);
    QTRY_VERIFY_WITH_TIMEOUT((seen += watch->readAllStandardOutput()).contains("DELETED watched"), 10000);
    QVERIFY2(seen.contains("ADDED watched\nMODIFIED watched\nDELETED watched"), seen.constData());
    watch->kill();
    QVERIFY(watch->waitForFinished(10000));
}

void TestSandboxKubectl::watchResumesFromResourceVersion()
{
    // kubectl get -o json wraps items in a List without a resourceVersion; --raw shows the server's.
    const QString rv = kubectl(S({"get", "--raw", "/api/v1/namespaces/lucent-platform/configmaps"}))
                           .json()[QStringLiteral("metadata")][QStringLiteral("resourceVersion")]
                           .toString();
    QVERIFY(!rv.isEmpty());
    kubectl(S({"create", "-f", "-"}),
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"after-rv\",\"namespace\":\"lucent-"
            "platform\"}}");
    // A watch from the list's resourceVersion replays what happened since, then ends at timeoutSeconds.
    const CommandResult r
        = kubectl(S({"get", "--raw"})
                  << QStringLiteral(
                         "/api/v1/namespaces/lucent-platform/configmaps?watch=true&resourceVersion=%1&timeoutSeconds=1")
                         .arg(rv));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QJsonObject event = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(event[QStringLiteral("type")].toString(), QStringLiteral("ADDED"));
    QCOMPARE(event[QStringLiteral("object")][QStringLiteral("metadata")][QStringLiteral("name")].toString(),
             QStringLiteral("after-rv"));
}

void TestSandboxKubectl::conflictOnStaleUpdate()
{
    QJsonObject object = getJson(S({"get", "svc/frontend", "-n", "lucent-staging"}));
    QVERIFY(!object.isEmpty());
    QJsonObject meta = object[QStringLiteral("metadata")].toObject();
    QJsonObject labels = meta[QStringLiteral("labels")].toObject();
    labels[QStringLiteral("rev")] = QStringLiteral("one");
    meta[QStringLiteral("labels")] = labels;
    object[QStringLiteral("metadata")] = meta;
    const QByteArray stale = QJsonDocument(object).toJson();
    QCOMPARE(kubectl(S({"replace", "-f", "-"}), stale).exitCode, 0);
    const CommandResult r = kubectl(S({"replace", "-f", "-"}), stale); // same resourceVersion again
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("Conflict"))
                 && r.errText().contains(QStringLiteral("the object has been modified")),
             qPrintable(r.errText()));
}

void TestSandboxKubectl::dryRunChangesNothing()
{
    const QByteArray cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dry\",\"namespace\":"
                          "\"lucent-staging\"}}";
    CommandResult r = kubectl(S({"create", "-f", "-", "--dry-run=server", "-o", "json"}), cm);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY(!r.json().object()[QStringLiteral("metadata")][QStringLiteral("uid")].toString().isEmpty());
    QVERIFY(kubectl(S({"get", "cm/dry", "-n", "lucent-staging"})).exitCode != 0);

    r = kubectl(S({"scale", "deploy/frontend", "-n", "lucent-staging", "--replicas=7", "--dry-run=server"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"delete", "svc/frontend", "-n", "lucent-staging", "--dry-run=server"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QJsonObject frontend = getJson(S({"get", "deploy/frontend", "-n", "lucent-staging"}));
    QCOMPARE(frontend[QStringLiteral("spec")][QStringLiteral("replicas")].toInt(), 2);
    QVERIFY(kubectl(S({"get", "svc/frontend", "-n", "lucent-staging"})).exitCode == 0);
}

void TestSandboxKubectl::errorsAreStatusObjects()
{
    CommandResult r = kubectl(S({"get", "deploy/no-such-service", "-n", "lucent-staging"}));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(
                 QStringLiteral("Error from server (NotFound): deployments.apps \"no-such-service\" not found")),
             qPrintable(r.errText()));
    r = kubectl(S({"create", "-f", "-"}),
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"kube-root-ca.crt\","
                "\"namespace\":\"missing-ns\"}}");
    QVERIFY2(r.errText().contains(QStringLiteral("namespaces \"missing-ns\" not found")), qPrintable(r.errText()));
    r = kubectl(S({"create", "-f", "-"}),
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"lucent-staging\"}}");
    QVERIFY2(r.errText().contains(QStringLiteral("(AlreadyExists)")), qPrintable(r.errText()));
}

void TestSandboxKubectl::unknownFieldsAndWrongTypes()
{
    const QByteArray good
        = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo-check\n  namespace: lucent-staging\n"
          "spec:\n  replicas: 1\n  selector:\n    matchLabels: {app: typo-check}\n  template:\n    metadata:\n"
          "      labels: {app: typo-check}\n    spec:\n      containers:\n      - name: app\n        image: "
          "lucent/app:1.0.0\n";
    QByteArray typo = good;
    typo.replace("        image:", "        imagez:");
    CommandResult r = kubectl(S({"apply", "-f", "-"}), typo);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral(
                 "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                 "unknown field \"spec.template.spec.containers[0].imagez\"")),
             qPrintable(r.errText()));
    QVERIFY(kubectl(S({"get", "deploy/typo-check", "-n", "lucent-staging"})).exitCode != 0);

    QByteArray wrongType = good;
    wrongType.replace("replicas: 1", "replicas: one");
    r = kubectl(S({"apply", "-f", "-"}), wrongType);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral(
                 "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")),
             qPrintable(r.errText()));

    r = kubectl(S({"apply", "--validate=warn", "-f", "-"}), typo);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(r.errText().contains(QStringLiteral("Warning: unknown field \"spec.template.spec.containers[0].imagez\"")),
             qPrintable(r.errText()));
    QVERIFY(kubectl(S({"delete", "deploy/typo-check", "-n", "lucent-staging"})).exitCode == 0);
}

static QString firstPod(const SandboxProcess &sandbox, const char *app)
{
    const CommandResult r = sandbox.kubectl(QStringList{
        QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("lucent-platform"),
        QStringLiteral("-l"), QStringLiteral("app=") + QLatin1String(app), QStringLiteral("-o"),
        QStringLiteral("jsonpath={.items[0].metadata.name}")});
    return r.outText().trimmed();
}

void TestSandboxKubectl::logsWithOptions()
{
    const QString pod = firstPod(m_sandbox, "wallet-service");
    QVERIFY(!pod.isEmpty());
    const QStringList base{QStringLiteral("logs"), pod, QStringLiteral("-n"), QStringLiteral("lucent-platform")};
    CommandResult r = kubectl(base + S({"--tail=5"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    for (const QByteArray &line : lines) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        QVERIFY2(!entry.isEmpty(), line.constData());
        QCOMPARE(entry[QStringLiteral("hostname")].toString(), pod);
        QVERIFY(entry.contains(QStringLiteral("level")) && entry.contains(QStringLiteral("msg"))
                && entry.contains(QStringLiteral("time")));
    }
    r = kubectl(base + S({"--tail=1", "--timestamps"}));
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z \\{"))
                 .match(r.outText())
                 .hasMatch(),
             r.out.constData());
    r = kubectl(base + S({"--limit-bytes=40"}));
    QCOMPARE(r.out.size(), 40);
    const int all = kubectl(base).out.count('\n');
    const int recent = kubectl(base + S({"--since=1s"})).out.count('\n');
    QVERIFY2(recent > 0 && recent < all, qPrintable(QStringLiteral("%1 of %2").arg(recent).arg(all)));
    r = kubectl(base + S({"-c", "sidecar"}));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("container sidecar is not valid for pod")), qPrintable(r.errText()));
}

void TestSandboxKubectl::logsFollowStreams()
{
    const QString pod = firstPod(m_sandbox, "api-gateway");
    std::unique_ptr<QProcess> follow(
        m_sandbox.startKubectl({QStringLiteral("logs"), QStringLiteral("-f"), QStringLiteral("--tail=0"), pod,
                                QStringLiteral("-n"), QStringLiteral("lucent-platform")}));
    QVERIFY2(follow, "kubectl logs -f did not start");
    // 2 lines per simulated second at --speed 20: dozens of lines arrive within a second.
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += follow->readAllStandardOutput()).count('\n') >= 20, 10000);
    QCOMPARE(follow->state(), QProcess::Running);
    follow->kill();
    QVERIFY(follow->waitForFinished(10000));
}

void TestSandboxKubectl::logsOfCrashLoopingPodAndPrevious()
{
    kubectl(S({"set", "image", "deploy/notification-service", "-n", "lucent-platform",
               "notification-service=lucent/notification-service:2.0.0-crash"}));
    QString pod;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(pod = kubectl(S({"get", "pods", "-n", "lucent-platform", "-l", "app=notification-service", "-o",
                           "jsonpath={.items[?(@.status.containerStatuses[0].restartCount>1)].metadata.name}"}))
                    .outText()
                    .trimmed())
             .isEmpty(),
        30000);
    pod = pod.split(QLatin1Char(' ')).first();
    const CommandResult previous = kubectl({QStringLiteral("logs"), pod, QStringLiteral("-n"),
                                            QStringLiteral("lucent-platform"), QStringLiteral("--previous")});
    QVERIFY2(previous.exitCode == 0, qPrintable(previous.errText()));
    const QByteArray last = previous.out.trimmed().split('\n').last();
    QCOMPARE(QJsonDocument::fromJson(last).object()[QStringLiteral("level")].toString(), QStringLiteral("fatal"));
    kubectl(S({"rollout", "undo", "deploy/notification-service", "-n", "lucent-platform"}));
}

void TestSandboxKubectl::proxyHealthAndMetrics()
{
    const QString pod = firstPod(m_sandbox, "user-service");
    CommandResult r
        = kubectl({QStringLiteral("get"), QStringLiteral("--raw"),
                   QStringLiteral("/api/v1/namespaces/lucent-platform/pods/%1/proxy/health/ready").arg(pod)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.json().object()[QStringLiteral("status")].toString(), QStringLiteral("ok"));
    r = kubectl(S({"get", "--raw", "/api/v1/namespaces/lucent-platform/services/user-service:http/proxy/health"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"get", "--raw", "/api/v1/namespaces/lucent-platform/services/user-service/proxy/metrics"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY(r.outText().contains(QStringLiteral("# TYPE http_requests_total counter")));
    QVERIFY(r.outText().contains(
        QStringLiteral("http_request_duration_seconds_bucket{method=\"GET\",route=\"/users/:id\",le=\"+Inf\"}")));
    r = kubectl(S({"get", "--raw", "/api/v1/namespaces/lucent-platform/pods/no-such-pod/proxy/health"}));
    QCOMPARE(r.exitCode, 1);
}

void TestSandboxKubectl::behaviourTagsShowInMetrics_data()
{
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("errors");
    QTest::addColumn<bool>("slow");
    QTest::addRow("errors") << "2.0.0-errors" << true << false;
    QTest::addRow("slow") << "2.0.0-slow" << false << true;
}

// Sums the samples of @p metric whose labels contain @p match.
static double sumOf(const QString &text, const QString &metric, const QString &match = {})
{
    double sum = 0;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(metric + QLatin1Char('{')) && line.contains(match))
            sum += line.section(QLatin1Char(' '), -1).toDouble();
    }
    return sum;
}

void TestSandboxKubectl::behaviourTagsShowInMetrics()
{
    QFETCH(QString, tag);
    QFETCH(bool, errors);
    QFETCH(bool, slow);
    QVERIFY(kubectl({QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deploy/portfolio-service"),
                     QStringLiteral("-n"), QStringLiteral("lucent-platform"),
                     QStringLiteral("portfolio-service=lucent/portfolio-service:") + tag})
                .exitCode
            == 0);
    QVERIFY(
        kubectl(S({"rollout", "status", "deploy/portfolio-service", "-n", "lucent-platform", "--timeout=90s"})).exitCode
        == 0);
    const QString pod
        = kubectl(
              {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("lucent-platform"),
               QStringLiteral("-o"),
               QStringLiteral(
                   "jsonpath={.items[?(@.spec.containers[0].image==\"lucent/portfolio-service:%1\")].metadata.name}")
                   .arg(tag)})
              .outText()
              .split(QLatin1Char(' '))
              .first();
    // The pod's simulated traffic accumulates; wait until there is enough of it to judge. The
    // counters are whole numbers per route and status (floored), so a ratio is only near its
    // share once there are a few hundred requests: with a dozen it can be off by 0.1.
    QString metrics;
    double total = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (metrics = kubectl({QStringLiteral("get"), QStringLiteral("--raw"),
                            QStringLiteral("/api/v1/namespaces/lucent-platform/pods/%1/proxy/metrics").arg(pod)})
                       .outText(),
         total = sumOf(metrics, QStringLiteral("http_requests_total")))
            >= 300,
        20000);
    const double errorRatio
        = sumOf(metrics, QStringLiteral("http_requests_total"), QStringLiteral("status=\"5")) / total;
    QCOMPARE(errorRatio > 0.25 && errorRatio < 0.35, errors);
    QCOMPARE(errorRatio == 0, !errors);
    // p95 above 1 s: fewer than 95 % of requests finish within a second.
    const double withinOneSecond
        = sumOf(metrics, QStringLiteral("http_request_duration_seconds_bucket"), QStringLiteral("le=\"1\""))
        / sumOf(metrics, QStringLiteral("http_request_duration_seconds_bucket"), QStringLiteral("le=\"+Inf\""));
    QCOMPARE(withinOneSecond < 0.95, slow);
    // The logs tell the same story.
    const CommandResult logs
        = kubectl({QStringLiteral("logs"), pod, QStringLiteral("-n"), QStringLiteral("lucent-platform")});
    QCOMPARE(logs.out.contains("\"status\":50"), errors);
}

QTEST_GUILESS_MAIN(TestSandboxKubectl)
