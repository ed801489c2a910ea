// The sandbox's API layer without sockets: the answers kubectl cannot provoke over plain
// HTTP (authentication, RBAC), history expiry (410), and malformed requests.

#include "tst_sandbox_api.h"

void TestSandboxApi::init()
{
    m_store = std::make_unique<ObjectStore>(50);
    QVERIFY(applyPlatform(*m_store, LUCENT_SOURCE_DIR "/manifests").empty());
    m_api = std::make_unique<ApiServer>(*m_store);
}

ApiResponse TestSandboxApi::call(const std::string &method, const std::string &path, const std::string &body,
                                 Identity::Role role, const std::string &contentType, const std::string &accept)
{
    ApiRequest request;
    request.method = method;
    const auto q = path.find('?');
    request.path = path.substr(0, q);
    if (q != std::string::npos) {
        for (const QString &pair : QString::fromStdString(path.substr(q + 1)).split(QLatin1Char('&'))) {
            const auto kv = pair.split(QLatin1Char('='));
            request.query.emplace(kv.value(0).toStdString(), kv.value(1).toStdString());
        }
    }
    request.body = body;
    request.headers["content-type"] = contentType;
    if (!accept.empty())
        request.headers["accept"] = accept;
    static const char *names[] = {"nobody", "lucent-viewer", "lucent-deployer", "lucent-admin"};
    request.identity = {names[int(role)], {"system:authenticated"}, role, {"lucent-staging"}};
    request.authenticated = true;
    return m_api->handle(request);
}

void TestSandboxApi::unauthenticatedIsRejected()
{
    ApiRequest request;
    request.method = "GET";
    request.path = "/api/v1/namespaces/lucent-staging/pods";
    const ApiResponse response = m_api->handle(request);
    QCOMPARE(response.status, 401);
    QCOMPARE(QString::fromStdString(json::parse(response.body).value("reason", "")), QStringLiteral("Unauthorized"));
    request.path = "/healthz";
    QCOMPARE(m_api->handle(request).status, 200);
}

void TestSandboxApi::rbacRoles_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    const int viewer = int(Identity::Role::Viewer), deployer = int(Identity::Role::Deployer),
              admin = int(Identity::Role::Admin);
    const QString staging = QStringLiteral("/apis/apps/v1/namespaces/lucent-staging/deployments/user-service");
    const QString production = QStringLiteral("/apis/apps/v1/namespaces/lucent-platform/deployments/user-service");
    QTest::addRow("viewer reads") << viewer << "GET" << staging << 200;
    QTest::addRow("viewer may not patch") << viewer << "PATCH" << staging << 403;
    QTest::addRow("viewer may not read secrets") << viewer << "GET"
                                                 << "/api/v1/namespaces/lucent-staging/secrets" << 403;
    QTest::addRow("deployer patches in its namespace") << deployer << "PATCH" << staging << 200;
    QTest::addRow("deployer scales") << deployer << "PATCH" << staging + QStringLiteral("/scale") << 200;
    QTest::addRow("deployer not in production") << deployer << "PATCH" << production << 403;
    QTest::addRow("deployer may not delete pods") << deployer << "DELETE"
                                                  << "/api/v1/namespaces/lucent-staging/pods/x" << 403;
    QTest::addRow("deployer patches services") << deployer << "PATCH"
                                               << "/api/v1/namespaces/lucent-staging/services/user-service" << 200;
    QTest::addRow("admin patches production") << admin << "PATCH" << production << 200;
    QTest::addRow("no role") << int(Identity::Role::None) << "GET" << staging << 403;
}

void TestSandboxApi::rbacRoles()
{
    QFETCH(int, role);
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    const std::string body = method == QLatin1String("PATCH") ? R"({"metadata":{"labels":{"x":"y"}}})" : "";
    const ApiResponse response
        = call(method.toStdString(), path.toStdString(), body, Identity::Role(role), "application/merge-patch+json");
    QCOMPARE(response.status, status);
    if (status == 403) {
        const json s = json::parse(response.body);
        QCOMPARE(QString::fromStdString(s.value("reason", "")), QStringLiteral("Forbidden"));
        QVERIFY(QString::fromStdString(s.value("message", "")).contains(QStringLiteral("is forbidden: User \"")));
    }
}

void TestSandboxApi::selfSubjectAccessReview()
{
    const std::string review = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
        "spec":{"resourceAttributes":{"namespace":"lucent-platform","verb":"patch","group":"apps","resource":"deployments"}}})";
    const auto path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    ApiResponse r = call("POST", path, review, Identity::Role::Deployer);
    QCOMPARE(r.status, 201);
    QCOMPARE(json::parse(r.body)["status"]["allowed"].get<bool>(), false);
    r = call("POST", path, review, Identity::Role::Admin);
    QCOMPARE(json::parse(r.body)["status"]["allowed"].get<bool>(), true);
    r = call("POST", path, R"({"spec":{}})", Identity::Role::Viewer);
    QCOMPARE(r.status, 422);
}

void TestSandboxApi::watchFromExpiredVersionIsGone()
{
    // The store keeps 50 events here; a few more writes push the start out of the history.
    for (int i = 0; i < 60; ++i)
        call("PATCH", "/api/v1/namespaces/lucent-staging/services/frontend",
             R"({"metadata":{"labels":{"n":")" + std::to_string(i) + "\"}}}", Identity::Role::Admin,
             "application/merge-patch+json");
    ApiResponse r
        = call("GET", "/api/v1/namespaces/lucent-staging/services?watch=true&resourceVersion=2&timeoutSeconds=1");
    QVERIFY(r.stream);
    std::string out;
    r.stream([&](const std::string &chunk) {
        out += chunk;
        return true;
    });
    const json event = json::parse(out.substr(0, out.find('\n')));
    QCOMPARE(QString::fromStdString(event.value("type", "")), QStringLiteral("ERROR"));
    QCOMPARE(event["object"].value("code", 0), 410);
    QCOMPARE(QString::fromStdString(event["object"].value("reason", "")), QStringLiteral("Expired"));
    QVERIFY(QString::fromStdString(event["object"].value("message", ""))
                .startsWith(QStringLiteral("too old resource version: 2 (")));
}

void TestSandboxApi::badRequests_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");
    const QString cms = QStringLiteral("/api/v1/namespaces/lucent-staging/configmaps");
    QTest::addRow("malformed json") << "POST" << cms << QByteArray("{\"kind\": ") << "application/json" << 400
                                    << "BadRequest";
    QTest::addRow("malformed yaml") << "POST" << cms << QByteArray("a: [1,\n") << "application/yaml" << 400
                                    << "BadRequest";
    QTest::addRow("not an object") << "POST" << cms << QByteArray("[1,2]") << "application/json" << 400 << "BadRequest";
    QTest::addRow("wrong kind") << "POST" << cms
                                << QByteArray(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}})")
                                << "application/json" << 400 << "BadRequest";
    QTest::addRow("namespace mismatch") << "POST" << cms
                                        << QByteArray(R"({"metadata":{"name":"x","namespace":"other"}})")
                                        << "application/json" << 400 << "BadRequest";
    QTest::addRow("no name") << "POST" << cms << QByteArray(R"({"metadata":{}})") << "application/json" << 422
                             << "Invalid";
    QTest::addRow("protobuf cut short") << "POST" << cms << QByteArray("k8s\0\n", 5)
                                        << "application/vnd.kubernetes.protobuf" << 400 << "BadRequest";
    QTest::addRow("cbor") << "POST" << cms << QByteArray("\xd9\xd9\xf7", 3) << "application/cbor" << 415
                          << "UnsupportedMediaType";
    QTest::addRow("oversized") << "POST" << cms << QByteArray(4 * 1024 * 1024, 'x') << "application/json" << 413
                               << "RequestEntityTooLarge";
    QTest::addRow("apply without a field manager") << "PATCH" << cms + QStringLiteral("/x") << QByteArray("{}")
                                                   << "application/apply-patch+yaml" << 422 << "Invalid";
    QTest::addRow("apply of another kind")
        << "PATCH" << cms + QStringLiteral("/x?fieldManager=m") << QByteArray("{apiVersion: v1, kind: Secret}")
        << "application/apply-patch+yaml" << 400 << "BadRequest";
    QTest::addRow("unknown resource") << "GET" << QStringLiteral("/api/v1/namespaces/lucent-staging/widgets")
                                      << QByteArray() << "" << 404 << "NotFound";
    QTest::addRow("unknown path") << "GET" << QStringLiteral("/nothing/here") << QByteArray() << "" << 404
                                  << "NotFound";
    QTest::addRow("method") << "PUT" << cms << QByteArray("{}") << "application/json" << 405 << "MethodNotAllowed";
    QTest::addRow("bad selector") << "GET" << cms + QStringLiteral("?labelSelector=a%20in%20b") << QByteArray() << ""
                                  << 400 << "BadRequest";
    QTest::addRow("bad field") << "GET" << cms + QStringLiteral("?fieldSelector=spec.x=1") << QByteArray() << "" << 400
                               << "BadRequest";
    QTest::addRow("bad continue") << "GET" << cms + QStringLiteral("?limit=1&continue=zz") << QByteArray() << "" << 400
                                  << "BadRequest";
    QTest::addRow("update with stale rv")
        << "PUT" << QStringLiteral("/api/v1/namespaces/lucent-staging/services/frontend")
        << QByteArray(R"({"metadata":{"name":"frontend","resourceVersion":"1"}})") << "application/json" << 409
        << "Conflict";
    QTest::addRow("unknown field strict")
        << "POST" << cms + QStringLiteral("?fieldValidation=Strict")
        << QByteArray(R"({"metadata":{"name":"x"},"dataz":{}})") << "application/json" << 400 << "BadRequest";
    QTest::addRow("wrong type") << "POST" << cms << QByteArray(R"({"metadata":{"name":"x","labels":{"a":1}}})")
                                << "application/json" << 400 << "BadRequest";
    QTest::addRow("bad fieldValidation") << "POST" << cms + QStringLiteral("?fieldValidation=Loud")
                                         << QByteArray(R"({"metadata":{"name":"x"}})") << "application/json" << 400
                                         << "BadRequest";
    QTest::addRow("invalid name") << "POST" << cms << QByteArray(R"({"metadata":{"name":"Not_Valid"}})")
                                  << "application/json" << 422 << "Invalid";
    QTest::addRow("json patch failing test")
        << "PATCH" << QStringLiteral("/api/v1/namespaces/lucent-staging/services/frontend")
        << QByteArray(R"([{"op":"test","path":"/spec/type","value":"NodePort"}])") << "application/json-patch+json"
        << 422 << "Invalid";
}

void TestSandboxApi::badRequests()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, contentType);
    QFETCH(int, status);
    QFETCH(QString, reason);
    const std::string rawPath = path.replace(QStringLiteral("%20"), QStringLiteral(" ")).toStdString();
    const ApiResponse r
        = call(method.toStdString(), rawPath, body.toStdString(), Identity::Role::Admin, contentType.toStdString());
    QCOMPARE(r.status, status);
    const json s = json::parse(r.body);
    QCOMPARE(QString::fromStdString(s.value("kind", "")), QStringLiteral("Status"));
    QCOMPARE(QString::fromStdString(s.value("reason", "")), reason);
    QCOMPARE(s.value("code", 0), status);
    QVERIFY(!s.value("message", "").empty());
}

void TestSandboxApi::requestPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("parsed"); // group|version|ns|resource|name|subresource|rest, or "none"
    QTest::addRow("core list") << "/api/v1/pods"
                               << "|v1||pods|||";
    QTest::addRow("namespaced") << "/api/v1/namespaces/a/pods/p"
                                << "|v1|a|pods|p||";
    QTest::addRow("namespace object") << "/api/v1/namespaces/a"
                                      << "|v1||namespaces|a||";
    QTest::addRow("namespace status") << "/api/v1/namespaces/a/status"
                                      << "|v1||namespaces|a|status|";
    QTest::addRow("group") << "/apis/apps/v1/namespaces/a/deployments/d/scale"
                           << "apps|v1|a|deployments|d|scale|";
    QTest::addRow("proxy") << "/api/v1/namespaces/a/pods/p/proxy/metrics"
                           << "|v1|a|pods|p|proxy|/metrics";
    QTest::addRow("too deep") << "/api/v1/namespaces/a/pods/p/log/extra"
                              << "none";
    QTest::addRow("discovery") << "/apis/apps/v1"
                               << "none";
    QTest::addRow("empty segment") << "/api/v1/namespaces//pods"
                                   << "none";
    QTest::addRow("relative") << "api/v1/pods"
                              << "none";
    QTest::addRow("legacy watch") << "/api/v1/watch/namespaces/a/pods"
                                  << "|v1|a|pods|||watch";
    QTest::addRow("legacy watch of one") << "/apis/apps/v1/watch/namespaces/a/deployments/d"
                                         << "apps|v1|a|deployments|d||watch";
    QTest::addRow("legacy watch, cluster") << "/api/v1/watch/namespaces"
                                           << "|v1||namespaces|||watch";
    QTest::addRow("legacy watch of a subresource") << "/api/v1/watch/namespaces/a/pods/p/log"
                                                   << "none";
}

void TestSandboxApi::requestPaths()
{
    QFETCH(QString, path);
    QFETCH(QString, parsed);
    const auto p = RequestPath::parse(path.toStdString());
    const QString actual = p
        ? QString::fromStdString(p->group + "|" + p->version + "|" + p->ns + "|" + p->resource + "|" + p->name + "|"
                                 + p->subresource + "|" + p->rest + (p->legacyWatch ? "watch" : ""))
        : QStringLiteral("none");
    QCOMPARE(actual, parsed);
}

void TestSandboxApi::labelSelectorSyntax_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("matches"); // against {app: web, tier: backend}
    QTest::addRow("empty") << "" << true << true;
    QTest::addRow("equals") << "app=web" << true << true;
    QTest::addRow("spaces") << " app = web , tier in (backend, db) " << true << true;
    QTest::addRow("not equals") << "app!=web" << true << false;
    QTest::addRow("notin") << "tier notin (db,cache)" << true << true;
    QTest::addRow("exists") << "tier" << true << true;
    QTest::addRow("not exists") << "!canary" << true << true;
    QTest::addRow("not exists fails") << "!tier" << true << false;
    QTest::addRow("unclosed set") << "tier in (a,b" << false << false;
    QTest::addRow("bad key") << "ti$r=x" << false << false;
    QTest::addRow("empty term") << "app=web,,tier" << false << false;
}

void TestSandboxApi::labelSelectorSyntax()
{
    QFETCH(QString, selector);
    QFETCH(bool, valid);
    QFETCH(bool, matches);
    std::string error;
    const auto parsed = LabelSelector::parse(selector.toStdString(), error);
    QCOMPARE(parsed.has_value(), valid);
    if (parsed)
        QCOMPARE(parsed->matches(json{{"app", "web"}, {"tier", "backend"}}), matches);
    else
        QVERIFY(!error.empty());
}

void TestSandboxApi::strategicMergeKeys()
{
    const json deployment = json::parse(R"({"spec":{"template":{"spec":{
        "containers":[{"name":"app","image":"a:1","ports":[{"containerPort":80,"name":"http"}],
                       "volumeMounts":[{"mountPath":"/data","name":"data"}]}],
        "volumes":[{"name":"data","emptyDir":{}}],
        "tolerations":[{"key":"a"}]}}}})");
    const json patch = json::parse(R"({"spec":{"template":{"spec":{
        "containers":[{"name":"app","ports":[{"containerPort":9090,"name":"metrics"}],
                       "volumeMounts":[{"mountPath":"/cache","name":"cache"}]},
                      {"name":"sidecar","image":"s:1"}],
        "volumes":[{"name":"cache","emptyDir":{}}],
        "tolerations":[{"key":"b"}]}}}})");
    const auto result = applyPatch(PatchType::Strategic, "Deployment", deployment, patch);
    QVERIFY(std::holds_alternative<json>(result));
    const json &spec = std::get<json>(result)["spec"]["template"]["spec"];
    QCOMPARE(spec["containers"].size(), std::size_t(2));
    QCOMPARE(spec["containers"][0]["image"], json("a:1"));
    QCOMPARE(spec["containers"][0]["ports"].size(), std::size_t(2));
    QCOMPARE(spec["containers"][0]["volumeMounts"].size(), std::size_t(2));
    QCOMPARE(spec["volumes"].size(), std::size_t(2));
    QCOMPARE(spec["tolerations"], json::parse(R"([{"key":"b"}])")); // no merge key: replaced

    const json service = json::parse(R"({"spec":{"ports":[{"port":80,"targetPort":8080}]}})");
    const auto svc = applyPatch(PatchType::Strategic, "Service", service,
                                json::parse(R"({"spec":{"ports":[{"port":80,"targetPort":9090}]}})"));
    QCOMPARE(std::get<json>(svc)["spec"]["ports"], json::parse(R"([{"port":80,"targetPort":9090}])"));
}

void TestSandboxApi::strategicDirectives()
{
    const json original = json::parse(R"({"metadata":{"finalizers":["a","b"],"labels":{"x":"1","y":"2"}},
        "spec":{"containers":[{"name":"a"},{"name":"b"}],"selector":{"app":"x","tier":"y"}}})");
    const json patch = json::parse(R"({"metadata":{"labels":{"x":null},"$deleteFromPrimitiveList/finalizers":["a"]},
        "spec":{"containers":[{"name":"b","$patch":"delete"}],"selector":{"$patch":"replace","app":"z"}}})");
    const auto result = applyPatch(PatchType::Strategic, "Pod", original, patch);
    QVERIFY(std::holds_alternative<json>(result));
    const json &r = std::get<json>(result);
    QCOMPARE(r["metadata"]["labels"], json::parse(R"({"y":"2"})"));
    QCOMPARE(r["metadata"]["finalizers"], json::parse(R"(["b"])"));
    QCOMPARE(r["spec"]["containers"], json::parse(R"([{"name":"a"}])"));
    QCOMPARE(r["spec"]["selector"], json::parse(R"({"app":"z"})"));
    const auto bad
        = applyPatch(PatchType::Strategic, "Pod", original, json::parse(R"({"spec":{"containers":[{"image":"x"}]}})"));
    QVERIFY(std::holds_alternative<ApiError>(bad));
    QCOMPARE(std::get<ApiError>(bad).code, 400);
}

void TestSandboxApi::injectedFaults()
{
    ApiServerOptions options;
    options.faults.errorRate = 1;
    ApiServer failing(*m_store, options);
    ApiRequest request;
    request.method = "GET";
    request.path = "/api/v1/namespaces/lucent-staging/services";
    request.authenticated = true;
    request.identity = {"lucent-admin", {}, Identity::Role::Admin, {}};
    bool saw429 = false, saw500 = false;
    for (int i = 0; i < 40; ++i) {
        const ApiResponse r = failing.handle(request);
        QVERIFY(r.status == 429 || r.status == 500);
        if (r.status == 429) {
            saw429 = true;
            QCOMPARE(r.headers, (std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}}));
        }
        saw500 = saw500 || r.status == 500;
        QCOMPARE(QString::fromStdString(json::parse(r.body).value("kind", "")), QStringLiteral("Status"));
    }
    QVERIFY(saw429 && saw500);
    request.path = "/version"; // discovery stays up
    QCOMPARE(failing.handle(request).status, 200);

    ApiServerOptions goneOptions;
    goneOptions.faults.goneRate = 1;
    ApiServer gone(*m_store, goneOptions);
    request.path = "/api/v1/namespaces/lucent-staging/services";
    request.query = {{"watch", "true"}, {"resourceVersion", std::to_string(m_store->resourceVersion())}};
    ApiResponse r = gone.handle(request);
    std::string out;
    r.stream([&](const std::string &chunk) {
        out += chunk;
        return true;
    });
    QCOMPARE(json::parse(out)["object"].value("code", 0), 410);

    ApiServerOptions dropOptions;
    dropOptions.faults.dropWatchesAfter = std::chrono::seconds(1);
    ApiServer dropping(*m_store, dropOptions);
    r = dropping.handle(request);
    QElapsedTimer timer;
    timer.start();
    r.stream([](const std::string &) { return true; }); // returns once the watch is dropped
    QVERIFY2(timer.elapsed() < 10000, "the watch was not dropped");

    ApiServerOptions slowOptions;
    slowOptions.faults.latency = std::chrono::milliseconds(200);
    ApiServer slow(*m_store, slowOptions);
    request.query.clear();
    timer.restart();
    QCOMPARE(slow.handle(request).status, 200);
    QVERIFY(timer.elapsed() >= 200);
}

void TestSandboxApi::seedMakesUidsRepeatable()
{
    auto uids = [](std::uint64_t seed) {
        ObjectStore store(100, seed);
        applyPlatform(store, LUCENT_SOURCE_DIR "/manifests");
        return std::get<json>(
            store.get(*findResource("", "v1", "namespaces"), "", "lucent-staging"))["metadata"]["uid"];
    };
    QCOMPARE(uids(42), uids(42));
    QVERIFY(uids(42) != uids(43));
}

void TestSandboxApi::deletingANamespaceEmptiesIt()
{
    QCOMPARE(call("GET", "/apis/apps/v1/namespaces/lucent-staging/deployments/user-service").status, 200);
    QCOMPARE(call("DELETE", "/api/v1/namespaces/lucent-staging").status, 200);
    QCOMPARE(call("GET", "/apis/apps/v1/namespaces/lucent-staging/deployments/user-service").status, 404);
    QCOMPARE(json::parse(call("GET", "/api/v1/namespaces/lucent-staging/services").body)["items"].size(),
             std::size_t(0));
    QCOMPARE(call("GET", "/apis/apps/v1/namespaces/lucent-platform/deployments/user-service").status, 200);
}

// --cascade=orphan: the dependents stay, without the owner reference (taken before the owner
// goes, so that the simulator's garbage collector never sees them naming a missing owner); a
// uid precondition that does not hold deletes nothing and orphans nothing.
void TestSandboxApi::orphanDeletionKeepsTheDependentsWithoutTheirOwner()
{
    const std::string deployment = "/apis/apps/v1/namespaces/lucent-staging/deployments/user-service";
    const std::string replicaSets = "/apis/apps/v1/namespaces/lucent-staging/replicasets";
    const ApiResponse owner = call("GET", deployment);
    QCOMPARE(owner.status, 200);
    const std::string uid = json::parse(owner.body)["metadata"].value("uid", "");
    QVERIFY(!uid.empty());
    const json labels = {{"app", "user-service"}};
    const json rs
        = {{"apiVersion", "apps/v1"},
           {"kind", "ReplicaSet"},
           {"metadata",
            {{"name", "user-service-orphan"},
             {"labels", labels},
             {"ownerReferences",
              json::array({{{"apiVersion", "apps/v1"},
                            {"kind", "Deployment"},
                            {"name", "user-service"},
                            {"uid", uid},
                            {"controller", true}}})}}},
           {"spec",
            {{"replicas", 0},
             {"selector", {{"matchLabels", labels}}},
             {"template",
              {{"metadata", {{"labels", labels}}},
               {"spec",
                {{"containers", json::array({{{"name", "user-service"}, {"image", "lucent/user-service:1"}}})}}}}}}}};
    const ApiResponse created = call("POST", replicaSets, rs.dump());
    QVERIFY2(created.status == 201, created.body.c_str());
    const std::string dependent = replicaSets + "/user-service-orphan";

    const ApiResponse refused
        = call("DELETE", deployment,
               json{{"propagationPolicy", "Orphan"}, {"preconditions", {{"uid", "another-uid"}}}}.dump());
    QVERIFY2(refused.status == 409, refused.body.c_str());
    QCOMPARE(call("GET", deployment).status, 200);
    QVERIFY(json::parse(call("GET", dependent).body)["metadata"].contains("ownerReferences"));

    const ApiResponse deleted = call("DELETE", deployment, json{{"propagationPolicy", "Orphan"}}.dump());
    QVERIFY2(deleted.status == 200, deleted.body.c_str());
    QCOMPARE(call("GET", deployment).status, 404);
    const ApiResponse kept = call("GET", dependent);
    QCOMPARE(kept.status, 200);
    QVERIFY2(!json::parse(kept.body)["metadata"].contains("ownerReferences"), kept.body.c_str());
}

void TestSandboxApi::alertRulesComeFromTheManifests()
{
    // The sandbox's Prometheus evaluates the prometheus-rules ConfigMap of manifests/, with
    // its delays and windows divided by --speed (windows keep at least 15 s).
    using lucent::sandbox::PrometheusRunner;
    const std::string file = LUCENT_SOURCE_DIR "/manifests/monitoring/prometheus-rules.yaml";
    std::string error;
    const auto normal = PrometheusRunner::rules(file, 1.0, error);
    QVERIFY2(normal, error.c_str());
    const QString text = QString::fromStdString(*normal);
    for (const char *alert : {"ServiceDown", "HighErrorRate", "HighResponseTime", "MongoDBDown", "RedisDown"})
        QVERIFY2(text.contains(QLatin1String("alert: ") + QLatin1String(alert)), alert);
    QVERIFY(text.contains(QLatin1String("for: 60s")) && text.contains(QLatin1String("[300s]")));
    const QString fast = QString::fromStdString(*PrometheusRunner::rules(file, 10.0, error));
    QVERIFY(fast.contains(QLatin1String("for: 6s")) && fast.contains(QLatin1String("for: 12s")));
    QVERIFY(fast.contains(QLatin1String("[30s]")) && !fast.contains(QLatin1String("[5m]")));
    QVERIFY(PrometheusRunner::rules(file, 1000.0, error)->find("[15s]") != std::string::npos);
    QVERIFY(!PrometheusRunner::rules("/nonexistent/rules.yaml", 1.0, error));
    QVERIFY(QString::fromStdString(error).contains(QLatin1String("cannot read")));
}

QTEST_GUILESS_MAIN(TestSandboxApi)
