// The sandbox's wire formats without sockets: protobuf answers and bodies, WebSocket and SPDY
// frames, and exec's refusals.

#include "tst_sandbox_api.h"

static const std::string ProtobufFirst = "application/vnd.kubernetes.protobuf,application/json";

void TestSandboxApi::protobufAnswersDecodeToTheirJson_data()
{
    QTest::addColumn<QString>("path");
    QTest::addRow("deployments") << "/apis/apps/v1/namespaces/lucent-platform/deployments";
    QTest::addRow("pods") << "/api/v1/namespaces/lucent-platform/pods";
    QTest::addRow("services") << "/api/v1/namespaces/lucent-platform/services";
    QTest::addRow("secrets") << "/api/v1/namespaces/lucent-platform/secrets";
    QTest::addRow("configmaps") << "/api/v1/namespaces/lucent-platform/configmaps";
    QTest::addRow("namespaces") << "/api/v1/namespaces";
    QTest::addRow("one deployment") << "/apis/apps/v1/namespaces/lucent-platform/deployments/wallet-service";
    QTest::addRow("a Status") << "/apis/apps/v1/namespaces/lucent-platform/deployments/no-such-service";
}

// Every object the platform holds, answered in protobuf to a client that prefers it, decodes
// to exactly the JSON a JSON client gets: no field lost, renamed or retyped on the way.
void TestSandboxApi::protobufAnswersDecodeToTheirJson()
{
    QFETCH(QString, path);
    if (path.endsWith(QLatin1String("/pods"))) { // no kubelet runs here: a pod made from a template
        const json deployment
            = json::parse(call("GET", "/apis/apps/v1/namespaces/lucent-platform/deployments/wallet-service").body);
        json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", deployment["spec"]["template"]["metadata"]}};
        pod["metadata"]["name"] = "wallet-service-from-template";
        pod["spec"] = deployment["spec"]["template"]["spec"];
        QCOMPARE(call("POST", path.toStdString(), pod.dump()).status, 201);
    }
    const ApiResponse asJson = call("GET", path.toStdString());
    const ApiResponse asProtobuf = call("GET", path.toStdString(), {}, Identity::Role::Admin, {}, ProtobufFirst);
    QCOMPARE(asProtobuf.status, asJson.status);
    QCOMPARE(QString::fromStdString(asProtobuf.contentType), QStringLiteral("application/vnd.kubernetes.protobuf"));
    QVERIFY(asProtobuf.body.rfind(std::string("k8s\0", 4), 0) == 0);
    const auto decoded = protobuf::decode(asProtobuf.body);
    if (auto failure = std::get_if<protobuf::DecodeError>(&decoded))
        QFAIL(failure->message.c_str());
    json expected = json::parse(asJson.body);
    // In protobuf a list's items carry no apiVersion and kind (the list's own say it).
    if (expected.contains("items")) {
        for (auto &item : expected["items"]) {
            item.erase("apiVersion");
            item.erase("kind");
        }
    }
    const json &actual = std::get<json>(decoded);
    QVERIFY2(
        actual == expected,
        qPrintable(QStringLiteral("differs: %1").arg(QString::fromStdString(json::diff(expected, actual).dump()))));
}

void TestSandboxApi::protobufBodiesAreCreated()
{
    const json configMap = {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "from-protobuf"}, {"labels", {{"app", "wallet-service"}}}}},
                            {"data", {{"LOG_LEVEL", "debug"}, {"EMPTY", ""}}},
                            {"binaryData", {{"blob", "AAEC/w=="}}}};
    const auto body = protobuf::encode(configMap);
    QVERIFY(body);
    ApiResponse r = call("POST", "/api/v1/namespaces/lucent-staging/configmaps", *body, Identity::Role::Admin,
                         "application/vnd.kubernetes.protobuf");
    QCOMPARE(r.status, 201);
    const json stored = json::parse(call("GET", "/api/v1/namespaces/lucent-staging/configmaps/from-protobuf").body);
    QCOMPARE(stored["data"], configMap["data"]);
    QCOMPARE(stored["binaryData"], configMap["binaryData"]);
    QCOMPARE(stored["metadata"]["labels"], configMap["metadata"]["labels"]);
}

void TestSandboxApi::protobufThatCannotBeReadIsNamed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    // A _data function runs before init(): alone, no server would be there to read from (in a
    // full run it read the one the previous function left). init() makes one; it makes
    // another for the test function itself.
    init();
    const auto encoded = protobuf::encode(
        json::parse(call("GET", "/apis/apps/v1/namespaces/lucent-staging/deployments/wallet-service").body));
    QVERIFY(encoded);
    const QByteArray whole = QByteArray::fromStdString(*encoded);
    QTest::addRow("no envelope") << QByteArray(R"({"kind":"ConfigMap"})") << 400 << "does not start with";
    QTest::addRow("cut short") << whole.left(whole.size() / 2) << 400 << "malformed";
    QTest::addRow("a field key cut short") << QByteArray("k8s\0\x80", 5) << 400 << "malformed";
    QTest::addRow("a length past the end") << QByteArray("k8s\0\x12\xff\xff\xff\xff\x0f", 10) << 400 << "malformed";
    QTest::addRow("wire type 3 (a group)") << QByteArray("k8s\0\x0b", 5) << 400 << "wire type 3";
    QTest::addRow("a kind without a table") << QByteArray("k8s\0"
                                                          "\x0a\x16\x0a\x07"
                                                          "apps/v1\x12\x0b"
                                                          "StatefulSet",
                                                          28)
                                            << 415 << "apps/v1 StatefulSet; send it as JSON";
}

// What cannot be read is answered with a sentence, never a crash: a malformed body is a 400,
// a kind the sandbox has no message table for a 415 that tells the client to send JSON.
void TestSandboxApi::protobufThatCannotBeReadIsNamed()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, says);
    const ApiResponse r = call("POST", "/apis/apps/v1/namespaces/lucent-staging/deployments", body.toStdString(),
                               Identity::Role::Admin, "application/vnd.kubernetes.protobuf");
    QCOMPARE(r.status, status);
    const QString message = QString::fromStdString(json::parse(r.body).value("message", ""));
    QVERIFY2(message.contains(says), qPrintable(message));
}

void TestSandboxApi::protobufOnlyClientsOfOtherKindsAreRefused()
{
    const std::string path = "/apis/apps/v1/namespaces/lucent-platform/statefulsets";
    ApiResponse r = call("GET", path, {}, Identity::Role::Admin, {}, "application/vnd.kubernetes.protobuf");
    QCOMPARE(r.status, 406);
    QVERIFY(json::parse(r.body).value("message", "").find("only as JSON") != std::string::npos);
    r = call("GET", path, {}, Identity::Role::Admin, {}, ProtobufFirst);
    QCOMPARE(r.status, 200);
    QCOMPARE(QString::fromStdString(r.contentType), QStringLiteral("application/json"));
}

// A client frame as a browser or client-go writes it: FIN, masked with @p mask.
static std::string clientFrame(websocket::Opcode opcode, const std::string &payload, bool fin = true)
{
    const std::string mask = "\x12\x34\x56\x78";
    std::string out{char((fin ? 0x80 : 0) | int(opcode))};
    if (payload.size() < 126) {
        out += char(0x80 | payload.size());
    } else {
        out += char(0x80 | 126);
        out += char(payload.size() >> 8);
        out += char(payload.size() & 0xff);
    }
    out += mask;
    for (std::size_t i = 0; i < payload.size(); ++i)
        out += char(payload[i] ^ mask[i % 4]);
    return out;
}

void TestSandboxApi::websocketMessagesFromClients()
{
    // RFC 6455's own example key and answer.
    QCOMPARE(QString::fromStdString(websocket::acceptKey("dGhlIHNhbXBsZSBub25jZQ==")),
             QStringLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    websocket::MessageReader reader(1024);
    const std::string stdinData = std::string(1, '\0') + std::string(300, 'x');
    const std::string stream = clientFrame(websocket::Opcode::Binary, stdinData.substr(0, 100), false)
        + clientFrame(websocket::Opcode::Ping, "are you there")
        + clientFrame(websocket::Opcode::Continuation, stdinData.substr(100));
    // Byte by byte: a message comes out only when it is whole; the ping comes in between.
    std::vector<websocket::Message> messages;
    for (char c : stream) {
        reader.feed(std::string_view(&c, 1));
        while (auto m = reader.take())
            messages.push_back(*m);
    }
    QCOMPARE(int(messages.size()), 2);
    QVERIFY(messages[0].opcode == websocket::Opcode::Ping);
    QCOMPARE(QString::fromStdString(messages[0].payload), QStringLiteral("are you there"));
    QVERIFY(messages[1].opcode == websocket::Opcode::Binary);
    QVERIFY(messages[1].payload == stdinData);
    QVERIFY(reader.error().empty());

    websocket::MessageReader unmasked(1024);
    unmasked.feed(websocket::frame(websocket::Opcode::Binary, "x"));
    QVERIFY(!unmasked.take());
    QCOMPARE(QString::fromStdString(unmasked.error()), QStringLiteral("a client frame is not masked"));
    websocket::MessageReader small(64);
    small.feed(clientFrame(websocket::Opcode::Binary, std::string(200, 'y')));
    QVERIFY(!small.take());
    QVERIFY(small.error().find("larger than 64 bytes") != std::string::npos);
}

void TestSandboxApi::execIsRefusedWithAReason_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("role");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    const int admin = int(Identity::Role::Admin);
    QTest::addRow("no command") << "container=wallet-service" << admin << 400 << "at least 1 command";
    QTest::addRow("another container") << "command=env&container=sidecar" << admin << 400
                                       << "container sidecar is not valid";
    QTest::addRow("not running") << "command=env" << admin << 400 << "container not found";
    QTest::addRow("viewer") << "command=env" << int(Identity::Role::Viewer) << 403 << "cannot create resource";
}

// The refusals come before any protocol switch, as Status answers kubectl prints.
void TestSandboxApi::execIsRefusedWithAReason()
{
    QFETCH(QString, query);
    QFETCH(int, role);
    QFETCH(int, status);
    QFETCH(QString, says);
    const json deployment
        = json::parse(call("GET", "/apis/apps/v1/namespaces/lucent-platform/deployments/wallet-service").body);
    json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "exec-target"}}}};
    pod["spec"] = deployment["spec"]["template"]["spec"];
    QCOMPARE(call("POST", "/api/v1/namespaces/lucent-platform/pods", pod.dump()).status, 201);
    const ApiResponse r = call("GET", "/api/v1/namespaces/lucent-platform/pods/exec-target/exec?" + query.toStdString(),
                               {}, Identity::Role(role));
    QCOMPARE(r.status, status);
    QVERIFY(!r.exec);
    const QString message = QString::fromStdString(json::parse(r.body).value("message", ""));
    QVERIFY2(message.contains(says), qPrintable(message));
}

// Ownership as the API server tracks it: an update takes the fields it changed; an apply
// shares a field whose value it agrees with, and meets the owner of one it would change.
void TestSandboxApi::writesRecordWhoOwnsWhichField()
{
    const std::string path = "/apis/apps/v1/namespaces/lucent-staging/deployments/wallet-service";
    auto owners = [&](const std::string &field) {
        QStringList found;
        const json live = json::parse(call("GET", path).body);
        for (const auto &e : live["metadata"].value("managedFields", json::array()))
            if (e["fieldsV1"].contains(json::json_pointer(field)))
                found << QString::fromStdString(e.value("manager", "") + "/" + e.value("operation", ""));
        return found;
    };
    QCOMPARE(owners("/f:spec/f:replicas"), QStringList{QStringLiteral("kubectl-client-side-apply/Update")});
    QCOMPARE(call("PATCH", path + "?fieldManager=kubectl-edit", R"({"spec":{"replicas":4}})", Identity::Role::Admin,
                  "application/merge-patch+json")
                 .status,
             200);
    QCOMPARE(owners("/f:spec/f:replicas"), QStringList{QStringLiteral("kubectl-edit/Update")});

    const std::string apply = "application/apply-patch+yaml";
    const std::string agree
        = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: wallet-service}\nspec: {replicas: 4}\n";
    QCOMPARE(call("PATCH", path + "?fieldManager=lucent-console", agree, Identity::Role::Admin, apply).status, 200);
    QCOMPARE(owners("/f:spec/f:replicas"),
             (QStringList{QStringLiteral("kubectl-edit/Update"), QStringLiteral("lucent-console/Apply")}));

    const std::string image = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: wallet-service}\n"
                              "spec:\n  replicas: 4\n  template:\n    spec:\n      containers:\n"
                              "      - {name: wallet-service, image: lucent/wallet-service:9.0.0}\n";
    ApiResponse r = call("PATCH", path + "?fieldManager=lucent-console", image, Identity::Role::Admin, apply);
    QCOMPARE(r.status, 409);
    const json status = json::parse(r.body);
    QCOMPARE(QString::fromStdString(status.value("message", "")),
             QStringLiteral("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
                            ".spec.template.spec.containers[name=\"wallet-service\"].image"));
    QCOMPARE(QString::fromStdString(status["details"]["causes"][0].value("reason", "")),
             QStringLiteral("FieldManagerConflict"));
    r = call("PATCH", path + "?fieldManager=lucent-console&force=true", image, Identity::Role::Admin, apply);
    QCOMPARE(r.status, 200);
    const std::string imageField = "/f:spec/f:template/f:spec/f:containers/k:{\"name\":\"wallet-service\"}/f:image";
    QCOMPARE(owners(imageField), QStringList{QStringLiteral("lucent-console/Apply")});
    QCOMPARE(call("PATCH", path, image, Identity::Role::Admin, apply).status, 422); // no fieldManager
}

void TestSandboxApi::spdyFramesThatCannotBeReadEndTheSession_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QTest::addRow("SPDY/2") << QByteArray("\x80\x02\x00\x01\x00\x00\x00\x00", 8) << "SPDY version 2 is not 3";
    QTest::addRow("a frame of 16 MB and more")
        << QByteArray("\x00\x00\x00\x01\x00\xff\xff\xff", 8) << "is larger than the sandbox takes";
    QTest::addRow("cut short") << QByteArray("\x00\x00\x00\x01\x00\x00\x00\x10"
                                             "abc",
                                             11)
                               << "";
    QTest::addRow("headers that are not zlib")
        << QByteArray("\x80\x03\x00\x01\x00\x00\x00\x0e\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                      "garb",
                      22)
        << "a header block does not inflate";
}

// kubectl's port-forward speaks SPDY to the sandbox (tst_sandbox_kubectl); what it could not
// have sent ends the session with a reason, never a crash or a wait for bytes that never come.
void TestSandboxApi::spdyFramesThatCannotBeReadEndTheSession()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    std::string input = bytes.toStdString();
    std::string written;
    spdy::Session session(
        [&input](char *buffer, std::size_t size) {
            const std::size_t n = std::min(size, input.size());
            std::copy_n(input.data(), n, buffer);
            input.erase(0, n);
            return long(n);
        },
        [&written](const std::string &out) {
            written += out;
            return true;
        });
    auto frame = session.next();
    if (frame && frame->control && frame->type == spdy::ControlType::SynStream) {
        QVERIFY(!session.readHeaders(std::string_view(frame->payload).substr(10)));
        frame.reset();
    }
    QVERIFY(!frame);
    QVERIFY2(QString::fromStdString(session.error()).contains(error), session.error().c_str());
    QVERIFY(written.empty());
}
