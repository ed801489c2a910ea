// The sandbox as kubectl's newer paths see it (tst_sandbox_kubectl.h): protobuf from the typed
// commands, auth can-i, the oldest and newest kubectl, top, EndpointSlices, exec, server-side
// apply and port-forward.

#include "tst_sandbox_kubectl.h"

// kubectl's typed commands (create secret, configmap, namespace, deployment, service,
// serviceaccount) send protobuf and ask for protobuf back; what they create must read back
// through JSON exactly.
void TestSandboxKubectl::typedCreatesTravelAsProtobuf()
{
    const QStringList ns = S({"-n", "lucent-staging"});
    CommandResult r = kubectl(S({"create", "secret", "generic", "pb-secret", "--from-literal=password=p@ss w0rd:é",
                                 "--from-literal=token=abc", "-v=8"})
                              + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QString trace = r.errText();
    QVERIFY2(trace.contains(QStringLiteral("Content-Type: application/vnd.kubernetes.protobuf")), qPrintable(trace));
    QVERIFY2(trace.contains(QStringLiteral("Response Status: 201 Created")), qPrintable(trace));
    QCOMPARE(trace.count(QStringLiteral("Content-Type: application/vnd.kubernetes.protobuf")), 2); // sent and answered

    const QJsonObject secret = getJson(S({"get", "secret", "pb-secret"}) + ns);
    const QJsonObject data = secret.value(QStringLiteral("data")).toObject();
    QCOMPARE(QByteArray::fromBase64(data.value(QStringLiteral("password")).toString().toLatin1()),
             QByteArray("p@ss w0rd:é"));
    QCOMPARE(QByteArray::fromBase64(data.value(QStringLiteral("token")).toString().toLatin1()), QByteArray("abc"));
    QCOMPARE(secret.value(QStringLiteral("type")).toString(), QStringLiteral("Opaque"));

    r = kubectl(S({"create", "configmap", "pb-config", "--from-literal=LOG_LEVEL=debug"}) + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(getJson(S({"get", "configmap", "pb-config"}) + ns)
                 .value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("LOG_LEVEL"))
                 .toString(),
             QStringLiteral("debug"));

    r = kubectl(S({"create", "namespace", "pb-namespace"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(
        kubectl(S({"get", "ns", "pb-namespace", "-o", "jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}"}))
            .outText(),
        QStringLiteral("pb-namespace"));

    r = kubectl(S({"create", "deployment", "pb-web", "--image=registry.lucent.dev/frontend:1.4.0", "--replicas=2",
                   "--port=8080"})
                + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "deploy/pb-web", "--timeout=60s"}) + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QJsonObject container = getJson(S({"get", "deploy", "pb-web"}) + ns)
                                      .value(QStringLiteral("spec"))
                                      .toObject()
                                      .value(QStringLiteral("template"))
                                      .toObject()
                                      .value(QStringLiteral("spec"))
                                      .toObject()
                                      .value(QStringLiteral("containers"))
                                      .toArray()
                                      .first()
                                      .toObject();
    QCOMPARE(container.value(QStringLiteral("image")).toString(), QStringLiteral("registry.lucent.dev/frontend:1.4.0"));
    QCOMPARE(
        container.value(QStringLiteral("ports")).toArray().first().toObject().value(QStringLiteral("containerPort")),
        QJsonValue(8080));

    r = kubectl(S({"create", "service", "clusterip", "pb-web", "--tcp=80:8080"}) + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QJsonObject port = getJson(S({"get", "svc", "pb-web"}) + ns)
                                 .value(QStringLiteral("spec"))
                                 .toObject()
                                 .value(QStringLiteral("ports"))
                                 .toArray()
                                 .first()
                                 .toObject();
    QCOMPARE(port.value(QStringLiteral("port")), QJsonValue(80));
    QCOMPARE(port.value(QStringLiteral("targetPort")), QJsonValue(8080)); // an int-or-string, as an int

    r = kubectl(S({"create", "serviceaccount", "pb-robot"}) + ns);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // A typed get reads the protobuf answer: kubectl create's "already exists" is decoded from a
    // protobuf Status.
    r = kubectl(S({"create", "serviceaccount", "pb-robot"}) + ns);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("serviceaccounts \"pb-robot\" already exists")),
             qPrintable(r.errText()));
}

// `kubectl auth can-i` sends a protobuf SelfSubjectAccessReview; the answer follows the user.
void TestSandboxKubectl::authCanIAnswersPerUser()
{
    SandboxProcess secured{{QStringLiteral("--tls"), QStringLiteral("--speed"), QStringLiteral("20")}};
    QVERIFY2(secured.start(), qPrintable(secured.error()));
    const QStringList canPatch = S({"auth", "can-i", "patch", "deployments", "-n", "lucent-platform"});
    CommandResult r = secured.kubectl(canPatch);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText().trimmed(), QStringLiteral("yes"));
    r = secured.kubectl(S({"--user", "lucent-viewer"}) + canPatch);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.outText().startsWith(QStringLiteral("no - the viewer role may not patch deployments")),
             qPrintable(r.outText()));
    r = secured.kubectl(S({"--user", "lucent-viewer", "auth", "can-i", "list", "pods", "-n", "lucent-platform"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText().trimmed(), QStringLiteral("yes"));
    // Reading pods does not allow running commands in them (exec is a create of pods/exec).
    r = secured.kubectl(
        S({"--user", "lucent-viewer", "exec", "deploy/wallet-service", "-n", "lucent-platform", "--", "hostname"}));
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.errText().contains(QStringLiteral("cannot create resource \"pods/exec\"")), qPrintable(r.errText()));
    // A fresh sandbox is still starting its pods, and a container that is not running yet cannot
    // take an exec (as on a real cluster: "container not found"): wait for the rollout first.
    r = secured.kubectl(S({"rollout", "status", "deploy/wallet-service", "-n", "lucent-platform", "--timeout=60s"}),
                        70000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = secured.kubectl(S({"exec", "deploy/wallet-service", "-n", "lucent-platform", "--", "hostname"}));
    QVERIFY2(r.exitCode == 0 && r.outText().startsWith(QStringLiteral("wallet-service-")), qPrintable(r.errText()));
}

void TestSandboxKubectl::oldestAndNewestKubectl_data()
{
    QTest::addColumn<QString>("program");
    for (const char *version : {"1.27", "1.33"})
        QTest::addRow("kubectl %s", version)
            << QStringLiteral("/usr/lib/google-cloud-sdk/bin/kubectl.%1").arg(QLatin1String(version));
}

// The smoke subset for the oldest and newest kubectl we support: discovery, a typed create in
// protobuf, a get, a can-i.
void TestSandboxKubectl::oldestAndNewestKubectl()
{
    QFETCH(QString, program);
    QVERIFY2(QFileInfo::exists(program), qPrintable(program + QStringLiteral(" is missing")));
    const QString name
        = QStringLiteral("smoke-") + QString(QFileInfo(program).suffix()).replace(QLatin1Char('.'), QLatin1Char('-'));
    CommandResult r = m_sandbox.kubectl(
        S({"create", "configmap", "-n", "lucent-staging", "--from-literal=k=v"}) << name, 60000, {}, program);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = m_sandbox.kubectl(S({"get", "configmap", "-n", "lucent-staging", "-o", "jsonpath={.data.k}"}) << name, 60000,
                          {}, program);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText(), QStringLiteral("v"));
    r = m_sandbox.kubectl(S({"get", "deploy", "-n", "lucent-platform", "-o", "name"}), 60000, {}, program);
    QVERIFY2(r.outText().contains(QStringLiteral("deployment.apps/wallet-service")), qPrintable(r.errText()));
    r = m_sandbox.kubectl(S({"auth", "can-i", "delete", "pods", "-n", "lucent-staging"}), 60000, {}, program);
    QCOMPARE(r.outText().trimmed(), QStringLiteral("yes"));
    // port-forward: 1.27 speaks SPDY to the server, 1.33 tunnels it in WebSocket.
    std::unique_ptr<QProcess> forward;
    const int port = startPortForward(S({"svc/wallet-service", "-n", "lucent-platform", ":3002"}), forward, program);
    QVERIFY2(port > 0, forward ? forward->readAllStandardError().constData() : "kubectl did not start");
    const CommandResult health = curl(QStringLiteral("http://127.0.0.1:%1/health").arg(port));
    QVERIFY2(health.exitCode == 0 && health.outText().contains(QStringLiteral("\"status\":\"ok\"")),
             qPrintable(health.errText()));
    // kubectl may have ended on its own after a forwarding error (newer ones do); then
    // waitForFinished() says false, having nothing to wait for.
    forward->kill();
    QVERIFY(forward->state() == QProcess::NotRunning || forward->waitForFinished(10000));
}

// `kubectl top pods` as CPU and memory in millicores and MiB, per pod name.
static QMap<QString, QPair<int, int>> topPods(const CommandResult &r)
{
    QMap<QString, QPair<int, int>> usage;
    static const QRegularExpression row(QStringLiteral("^(\\S+)\\s+(\\d+)m\\s+(\\d+)Mi\\s*$"),
                                        QRegularExpression::MultilineOption);
    for (auto it = row.globalMatch(r.outText()); it.hasNext();) {
        const auto m = it.next();
        usage.insert(m.captured(1), {m.captured(2).toInt(), m.captured(3).toInt()});
    }
    return usage;
}

// metrics.k8s.io: every running pod has figures, nodes add up, and a "-slow" image burns
// visibly more CPU than a healthy one.
void TestSandboxKubectl::topFollowsTheWorkload()
{
    const QStringList running
        = names(S({"get", "pods", "-n", "lucent-platform", "--field-selector=status.phase=Running"}));
    QVERIFY(running.size() >= 15);
    CommandResult r = kubectl(S({"top", "pods", "-n", "lucent-platform", "--no-headers"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const auto usage = topPods(r);
    QCOMPARE(QStringList(usage.keys()), running);
    for (auto it = usage.begin(); it != usage.end(); ++it) {
        QVERIFY2(it->first > 0 && it->second > 0, qPrintable(it.key()));
        if (it.key().startsWith(QLatin1String("mongodb")))
            QVERIFY2(it->second > 150, "the database holds more memory than a service");
    }
    r = kubectl(S({"top", "nodes", "--no-headers"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText().count(QStringLiteral("sandbox-node-")), 3);

    r = kubectl(S({"set", "image", "deploy/wallet-service", "-n", "lucent-staging",
                   "wallet-service=lucent/wallet-service:1.3.0-slow"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"rollout", "status", "deploy/wallet-service", "-n", "lucent-staging", "--timeout=90s"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const auto slow
        = topPods(kubectl(S({"top", "pods", "-n", "lucent-staging", "-l", "app=wallet-service", "--no-headers"})));
    const auto healthy
        = topPods(kubectl(S({"top", "pods", "-n", "lucent-staging", "-l", "app=play-service", "--no-headers"})));
    QVERIFY(!slow.isEmpty() && !healthy.isEmpty());
    int slowest = INT_MAX, busiest = 0;
    for (const auto &u : slow)
        slowest = std::min(slowest, u.first);
    for (const auto &u : healthy)
        busiest = std::max(busiest, u.first);
    QVERIFY2(slowest >= 2 * busiest, qPrintable(QStringLiteral("slow %1m, healthy %2m").arg(slowest).arg(busiest)));
}

void TestSandboxKubectl::endpointSlicesFollowTheEndpoints()
{
    const QStringList selector = S({"-n", "lucent-platform", "-l", "kubernetes.io/service-name=wallet-service"});
    const QJsonArray slices = getJson(S({"get", "endpointslices"}) + selector).value(QStringLiteral("items")).toArray();
    QCOMPARE(slices.size(), 1);
    QStringList sliced;
    for (const auto &endpoint : slices.first().toObject().value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject e = endpoint.toObject();
        QVERIFY(e.value(QStringLiteral("conditions")).toObject().value(QStringLiteral("ready")).toBool());
        sliced.append(e.value(QStringLiteral("addresses")).toArray().first().toString());
    }
    QStringList listed;
    const QJsonObject endpoints = getJson(S({"get", "endpoints", "wallet-service", "-n", "lucent-platform"}));
    for (const auto &subset : endpoints.value(QStringLiteral("subsets")).toArray())
        for (const auto &address : subset.toObject().value(QStringLiteral("addresses")).toArray())
            listed.append(address.toObject().value(QStringLiteral("ip")).toString());
    sliced.sort();
    listed.sort();
    QVERIFY(!listed.isEmpty());
    QCOMPARE(sliced, listed);
    const QJsonObject port = slices.first().toObject().value(QStringLiteral("ports")).toArray().first().toObject();
    QCOMPARE(port.value(QStringLiteral("port")).toInt(), 3002);
}

// kubectl exec over WebSocket into the simulated containers: the platform's own health check
// works, a failing one exits non-zero, and what is not there is not pretended.
void TestSandboxKubectl::execRunsTheSimulatedCommands()
{
    const QStringList wallet = S({"exec", "deploy/wallet-service", "-n", "lucent-platform", "--"});
    CommandResult r = kubectl(wallet + S({"curl", "-f", "http://localhost:3002/health"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));

    r = kubectl(wallet + S({"curl", "-sS", "http://localhost:9999/health"}));
    QCOMPARE(r.exitCode, 7);
    QVERIFY2(r.errText().contains(QStringLiteral("Failed to connect to localhost port 9999")), qPrintable(r.errText()));
    r = kubectl(wallet + S({"curl", "-s", "http://user-service:3001/health"})); // a Service of the namespace
    QVERIFY2(r.exitCode == 0 && r.outText().contains(QStringLiteral("\"status\":\"ok\"")), qPrintable(r.errText()));

    // The seed's readiness check, on a pod whose readiness fails: curl -f exits 22.
    const QString pod = names(S({"get", "pods", "-n", "lucent-platform", "-l", "app=wallet-service"})).value(0);
    QVERIFY2(pod.startsWith(QLatin1String("wallet-service-")), qPrintable(pod));
    r = kubectl(S({"annotate", "pod", "-n", "lucent-platform"})
                << pod << QStringLiteral("lucent-sandbox/fault=unready"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"wait", "-n", "lucent-platform", "--for=condition=Ready=false", "--timeout=60s"})
                << QStringLiteral("pod/") + pod);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"exec", "-n", "lucent-platform"})
                << pod << S({"--", "curl", "-f", "http://localhost:3002/health/ready"}));
    QCOMPARE(r.exitCode, 22);
    QVERIFY2(r.errText().contains(QStringLiteral("The requested URL returned error: 503")), qPrintable(r.errText()));
    QVERIFY(kubectl(S({"annotate", "pod", "-n", "lucent-platform"}) << pod << QStringLiteral("lucent-sandbox/fault-"))
                .exitCode
            == 0);

    // env resolves the Secret and the $(VAR) reference in MONGODB_URL.
    const QByteArray password
        = QByteArray::fromBase64(kubectl(S({"get", "secret", "-n", "lucent-platform", "lucent-secrets", "-o",
                                            "jsonpath={.data.mongodb-password}"}))
                                     .out);
    QVERIFY(!password.isEmpty());
    r = kubectl(wallet + S({"env"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(r.out.contains(QByteArray("\nMONGODB_URL=mongodb://lucent:" + password + "@mongodb:27017/")),
             r.out.constData());
    QVERIFY(r.out.contains("\nHOSTNAME=wallet-service-"));

    r = kubectl(wallet + S({"wget", "-qO-", "http://localhost:3002/health"}));
    QCOMPARE(r.exitCode, 127);
    QVERIFY2(r.errText().contains(QStringLiteral("wget: command not found")), qPrintable(r.errText()));
    r = kubectl(wallet + S({"sh", "-c", "echo one && false && echo two; hostname"}));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.outText().startsWith(QStringLiteral("one\nwallet-service-")), qPrintable(r.outText()));
}

void TestSandboxKubectl::execReadsMountsAndStdin()
{
    const QByteArray pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"mounts","namespace":"lucent-staging"},
      "spec":{"containers":[{"name":"app","image":"lucent/user-service:1.4.0","ports":[{"containerPort":3001}],
        "volumeMounts":[{"name":"config","mountPath":"/etc/lucent"},{"name":"secret","mountPath":"/run/secrets/db"}]}],
      "volumes":[{"name":"config","configMap":{"name":"mounted-config"}},
                 {"name":"secret","secret":{"secretName":"mounted-secret","items":[{"key":"password","path":"pw"}]}}]}})";
    CommandResult r = kubectl(
        S({"create", "configmap", "mounted-config", "-n", "lucent-staging", "--from-literal=LOG_LEVEL=debug"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"create", "secret", "generic", "mounted-secret", "-n", "lucent-staging",
                   "--from-literal=password=hunter2-mounted"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"apply", "-f", "-"}), pod);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = kubectl(S({"wait", "-n", "lucent-staging", "--for=condition=Ready", "--timeout=60s", "pod/mounts"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QStringList in = S({"exec", "-n", "lucent-staging", "mounts", "--"});
    r = kubectl(in + S({"cat", "/etc/lucent/LOG_LEVEL", "/run/secrets/db/pw"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText(), QStringLiteral("debughunter2-mounted"));
    r = kubectl(in + S({"cat", "/run/secrets/db/password"})); // mounted under its item's path only
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("No such file or directory")), qPrintable(r.errText()));
    r = kubectl(S({"exec", "-i", "-n", "lucent-staging", "mounts", "--", "cat"}), "from stdin\n");
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.outText(), QStringLiteral("from stdin\n"));
}

void TestSandboxKubectl::serverSideApplyOwnsRemovesAndDiffs()
{
    QByteArray config = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: ssa-config, namespace: lucent-staging}
data: {LOG_LEVEL: debug, FEATURE: "on"}
)";
    CommandResult r = kubectl(S({"apply", "--server-side", "-f", "-"}), config);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(r.outText().contains(QStringLiteral("configmap/ssa-config serverside-applied")), qPrintable(r.outText()));
    // The next intent drops FEATURE and changes LOG_LEVEL: diff shows it, apply does it.
    config.replace("LOG_LEVEL: debug, FEATURE: \"on\"", "LOG_LEVEL: info");
    r = kubectl(S({"diff", "--server-side", "-f", "-"}), config);
    QCOMPARE(r.exitCode, 1); // differences found
    QVERIFY2(r.outText().contains(QStringLiteral("-  FEATURE: \"on\""))
                 && r.outText().contains(QStringLiteral("+  LOG_LEVEL: info")),
             qPrintable(r.outText()));
    QCOMPARE(
        getJson(S({"get", "cm", "ssa-config", "-n", "lucent-staging"})).value(QStringLiteral("data")).toObject().size(),
        2); // the diff changed nothing
    r = kubectl(S({"apply", "--server-side", "-f", "-"}), config);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QJsonObject live = getJson(S({"get", "cm", "ssa-config", "-n", "lucent-staging", "--show-managed-fields"}));
    QCOMPARE(live.value(QStringLiteral("data")).toObject(),
             QJsonObject({{QStringLiteral("LOG_LEVEL"), QStringLiteral("info")}}));
    const QJsonArray managed
        = live.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("managedFields")).toArray();
    QCOMPARE(managed.size(), 1);
    const QJsonObject entry = managed.first().toObject();
    QCOMPARE(entry.value(QStringLiteral("manager")).toString(), QStringLiteral("kubectl"));
    QCOMPARE(entry.value(QStringLiteral("operation")).toString(), QStringLiteral("Apply"));
    QCOMPARE(QJsonDocument(entry.value(QStringLiteral("fieldsV1")).toObject()).toJson(QJsonDocument::Compact),
             QByteArray(R"({"f:data":{"f:LOG_LEVEL":{}}})"));
}

// The platform's objects were applied client-side; a server-side apply that changes one of
// their values meets the other manager, and --force-conflicts takes the field over.
void TestSandboxKubectl::serverSideApplyConflictNamesTheOtherManager()
{
    const QByteArray intent = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api-gateway, namespace: lucent-platform}
spec:
  replicas: 4
  template:
    spec:
      containers:
      - name: api-gateway
        image: lucent/api-gateway:9.9.9
)";
    CommandResult r = kubectl(S({"apply", "--server-side", "-f", "-"}), intent);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("Apply failed with 2 conflicts: conflicts with "
                                                 "\"kubectl-client-side-apply\" using apps/v1:")),
             qPrintable(r.errText()));
    QVERIFY2(r.errText().contains(QStringLiteral("- .spec.replicas")), qPrintable(r.errText()));
    QVERIFY2(r.errText().contains(QStringLiteral("- .spec.template.spec.containers[name=\"api-gateway\"].image")),
             qPrintable(r.errText()));
    QCOMPARE(getJson(S({"get", "deploy", "api-gateway", "-n", "lucent-platform"}))
                 .value(QStringLiteral("spec"))
                 .toObject()
                 .value(QStringLiteral("replicas")),
             QJsonValue(3)); // nothing applied

    r = kubectl(S({"apply", "--server-side", "--force-conflicts", "-f", "-"}), intent);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    const QJsonObject live
        = getJson(S({"get", "deploy", "api-gateway", "-n", "lucent-platform", "--show-managed-fields"}));
    QCOMPARE(live.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")), QJsonValue(4));
    for (const auto &value :
         live.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("managedFields")).toArray()) {
        const QJsonObject entry = value.toObject();
        const QJsonObject spec
            = entry.value(QStringLiteral("fieldsV1")).toObject().value(QStringLiteral("f:spec")).toObject();
        const bool ownsReplicas = spec.contains(QStringLiteral("f:replicas"));
        QCOMPARE(ownsReplicas, entry.value(QStringLiteral("manager")).toString() == QStringLiteral("kubectl"));
    }
    // The other manager still owns what was not taken: the container's ports, for example.
    r = kubectl(S({"get", "deploy", "api-gateway", "-n", "lucent-platform", "-o",
                   "jsonpath={.spec.template.spec.containers[0].ports[0].containerPort}"}));
    QCOMPARE(r.outText(), QStringLiteral("3000"));
}

int TestSandboxKubectl::startPortForward(const QStringList &target, std::unique_ptr<QProcess> &process,
                                         const QString &program)
{
    process.reset(m_sandbox.startKubectl(QStringList{QStringLiteral("port-forward")} + target, program));
    if (!process)
        return 0;
    static const QRegularExpression forwarding(QStringLiteral("Forwarding from 127\\.0\\.0\\.1:(\\d+) ->"));
    QByteArray said;
    const bool ready = QTest::qWaitFor(
        [&] {
            said += process->readAllStandardOutput();
            return forwarding.match(QString::fromUtf8(said)).hasMatch() || process->state() == QProcess::NotRunning;
        },
        30000);
    const auto match = forwarding.match(QString::fromUtf8(said));
    return ready && match.hasMatch() ? match.captured(1).toInt() : 0;
}

// kubectl port-forward to a Service and to a pod: the simulated service answers /health and
// /metrics through the tunnel, and a port nothing listens on is an error kubectl reports.
void TestSandboxKubectl::portForwardReachesTheSimulatedService()
{
    std::unique_ptr<QProcess> forward;
    int port = startPortForward(S({"svc/wallet-service", "-n", "lucent-platform", ":3002"}), forward);
    QVERIFY2(port > 0, forward ? forward->readAllStandardError().constData() : "kubectl did not start");
    CommandResult r = curl(QStringLiteral("http://127.0.0.1:%1/health").arg(port));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QCOMPARE(r.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    r = curl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // The Prometheus text format: comments, or "name{labels} value".
    static const QRegularExpression sample(
        QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? [-+0-9.eE]+(Inf|NaN)?$"));
    int samples = 0;
    for (const QString &line : r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1Char('#')))
            continue;
        QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));
        samples += line.startsWith(QLatin1String("http_requests_total{"));
    }
    QVERIFY(samples > 0);
    // kubectl may have ended on its own after a forwarding error (newer ones do); then
    // waitForFinished() says false, having nothing to wait for.
    forward->kill();
    QVERIFY(forward->state() == QProcess::NotRunning || forward->waitForFinished(10000));

    const QString pod = names(S({"get", "pods", "-n", "lucent-platform", "-l", "app=user-service"})).value(0);
    QVERIFY2(pod.startsWith(QLatin1String("user-service-")), qPrintable(pod));
    port = startPortForward(QStringList{QStringLiteral("pod/") + pod} + S({"-n", "lucent-platform", ":9999"}), forward);
    QVERIFY2(port > 0, forward ? forward->readAllStandardError().constData() : "kubectl did not start");
    r = curl(QStringLiteral("http://127.0.0.1:%1/health").arg(port));
    QVERIFY(r.exitCode != 0); // nothing listens on 9999 in the pod
    const QByteArray refused = "error forwarding port 9999 to pod " + pod.toUtf8() + ": connect: connection refused";
    QByteArray said;
    QTRY_VERIFY_WITH_TIMEOUT((said += forward->readAllStandardError()).contains(refused), 10000);
    // kubectl may have ended on its own after a forwarding error (newer ones do); then
    // waitForFinished() says false, having nothing to wait for.
    forward->kill();
    QVERIFY(forward->state() == QProcess::NotRunning || forward->waitForFinished(10000));
}

CommandResult TestSandboxKubectl::curl(const QString &url) const
{
    QProcess process;
    process.start(QStringLiteral("curl"),
                  {QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("20"), url});
    CommandResult result;
    if (!process.waitForFinished(30000))
        return result;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}
