#include "core/logging/redaction.h"

#include <QtTest>

using namespace Lucent::Core;

class TestRedaction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void removesSecrets_data();
    void removesSecrets();
    void keepsOrdinaryText_data();
    void keepsOrdinaryText();
    void headerValues();
    void utf8Overload();
};

void TestRedaction::removesSecrets_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("kept");

    QTest::addRow("authorization header")
        << QStringLiteral("GET /api/v1/pods Authorization: Bearer abc.def-ghi_jkl0123")
        << QStringLiteral("abc.def-ghi_jkl0123") << QStringLiteral("Authorization: Bearer");
    QTest::addRow("basic header") << QStringLiteral("authorization=Basic dXNlcjpodW50ZXIy")
                                  << QStringLiteral("dXNlcjpodW50ZXIy") << QStringLiteral("Basic");
    QTest::addRow("bare bearer") << QStringLiteral("retrying with bearer s3cr3tT0kenValue after 401")
                                 << QStringLiteral("s3cr3tT0kenValue") << QStringLiteral("after 401");
    QTest::addRow("jwt") << QStringLiteral("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl expired")
                         << QStringLiteral("eyJzdWIiOiJhZG1pbiJ9") << QStringLiteral("expired");
    QTest::addRow("yaml token") << QStringLiteral("users:\n- name: ci\n  user:\n    token: sk-live-0123456789\n")
                                << QStringLiteral("sk-live-0123456789") << QStringLiteral("name: ci");
    QTest::addRow("yaml client key") << QStringLiteral("client-key-data: LS0tLS1CRUdJTiBQUklWQVRF")
                                     << QStringLiteral("LS0tLS1CRUdJTiBQUklWQVRF")
                                     << QStringLiteral("client-key-data:");
    QTest::addRow("json password") << QStringLiteral(R"({"username":"ops","password":"hunter2\"x","port":3000})")
                                   << QStringLiteral("hunter2") << QStringLiteral(R"("port":3000)");
    QTest::addRow("json exec credential")
        << QStringLiteral(R"({"kind":"ExecCredential","status":{"token":"k8s-aws-v1.abcdef"}})")
        << QStringLiteral("k8s-aws-v1.abcdef") << QStringLiteral("ExecCredential");
    QTest::addRow("query string") << QStringLiteral("GET /login?user=ops&password=pa55word&next=/")
                                  << QStringLiteral("pa55word") << QStringLiteral("next=/");
    QTest::addRow("url userinfo") << QStringLiteral("proxy http://ops:pr0xyPass@proxy.lucent.test:3128 unreachable")
                                  << QStringLiteral("pr0xyPass") << QStringLiteral("proxy.lucent.test:3128");
    QTest::addRow("pem key") << QStringLiteral(
        "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkeyBYTES\n-----END EC PRIVATE KEY-----\nok")
                             << QStringLiteral("MHcCAQEEIBkeyBYTES") << QStringLiteral("ok");
    QTest::addRow("uppercase key") << QStringLiteral("TOKEN=abcdef123456 exported") << QStringLiteral("abcdef123456")
                                   << QStringLiteral("exported");
}

void TestRedaction::removesSecrets()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString out = Redaction::redact(input);
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String(Redaction::Marker)), qPrintable(out));
    QVERIFY2(out.contains(kept), qPrintable(out));
}

void TestRedaction::keepsOrdinaryText_data()
{
    QTest::addColumn<QString>("input");
    QTest::addRow("rollout") << QStringLiteral(
        "deployment user-service rolled out to revision 7 (image lucent/user-service:1.4.2)");
    QTest::addRow("url") << QStringLiteral(
        "GET https://prod.k8s.lucent.test:6443/apis/apps/v1/namespaces/lucent-platform/deployments 200");
    QTest::addRow("word token alone") << QStringLiteral("the token expired; run the exec plugin again");
    QTest::addRow("key mention") << QStringLiteral("reading client-key from /home/ops/.kube/admin.key failed");
}

void TestRedaction::keepsOrdinaryText()
{
    QFETCH(QString, input);
    QCOMPARE(Redaction::redact(input), input);
}

void TestRedaction::headerValues()
{
    QCOMPARE(Redaction::headerValueForLog(QStringLiteral("Authorization"), QStringLiteral("Bearer abc")),
             QLatin1String(Redaction::Marker));
    QCOMPARE(Redaction::headerValueForLog(QStringLiteral("cookie"), QStringLiteral("session=1")),
             QLatin1String(Redaction::Marker));
    QCOMPARE(Redaction::headerValueForLog(QStringLiteral("Accept"), QStringLiteral("application/json")),
             QStringLiteral("application/json"));
}

void TestRedaction::utf8Overload()
{
    const std::string out = Redaction::redact(std::string_view("Grüße, password: geheim123"));
    QVERIFY(out.find("geheim123") == std::string::npos);
    QVERIFY(out.find("Grüße") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
