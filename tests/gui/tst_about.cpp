#include "ui/about/aboutdialog.h"

#include <QLabel>
#include <QRegularExpression>
#include <QtTest>

#include <spdlog/version.h>

using Lucent::Ui::AboutDialog;

class TestAbout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheFourLinkedLibraryVersions();
    void showsTheApplicationVersion();

private:
    static QString versionLabel(const AboutDialog &dialog, const char *library);
};

QString TestAbout::versionLabel(const AboutDialog &dialog, const char *library)
{
    const auto *label = dialog.findChild<QLabel *>(QStringLiteral("version_") + QLatin1String(library));
    return label ? label->text() : QStringLiteral("<missing>");
}

void TestAbout::showsTheFourLinkedLibraryVersions()
{
    AboutDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    // Qt: the library loaded at run time, which is what a bug report needs.
    QCOMPARE(versionLabel(dialog, "Qt"), QString::fromLatin1(qVersion()));
    QVERIFY(versionLabel(dialog, "Qt").startsWith(QStringLiteral("6.")));
    QCOMPARE(versionLabel(dialog, "spdlog"),
             QStringLiteral("%1.%2.%3").arg(SPDLOG_VER_MAJOR).arg(SPDLOG_VER_MINOR).arg(SPDLOG_VER_PATCH));
    // The versions CMake found; the build passes them in so the test checks the dialog
    // against the build system rather than against the dialog's own source.
    QCOMPARE(versionLabel(dialog, "yaml-cpp"), QStringLiteral(LUCENT_EXPECTED_YAML_CPP_VERSION));
    QCOMPARE(versionLabel(dialog, "KSyntaxHighlighting"), QStringLiteral(LUCENT_EXPECTED_KSH_VERSION));

    const QRegularExpression semver(QStringLiteral("^\\d+\\.\\d+(\\.\\d+)?$"));
    for (const char *library : {"Qt", "yaml-cpp", "spdlog", "KSyntaxHighlighting"})
        QVERIFY2(semver.match(versionLabel(dialog, library)).hasMatch(), library);
}

void TestAbout::showsTheApplicationVersion()
{
    AboutDialog dialog;
    const auto *title = dialog.findChild<QLabel *>(QStringLiteral("aboutTitle"));
    QVERIFY(title);
    QVERIFY(title->text().contains(QStringLiteral(LUCENT_VERSION_STRING)));
}

QTEST_MAIN(TestAbout)
#include "tst_about.moc"
