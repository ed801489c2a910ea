#pragma once

// What the promotion wizard's tests share: lucent-sandbox with its real Prometheus, staging and
// production put back after each function, a state directory of its own per function, and the
// helpers that drive the wizard as a release engineer would.

#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "screenshot.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/resourcecache.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionlock.h"
#include "core/release/servicestatus.h"
#include "ui/metrics/metricchart.h"
#include "ui/promotion/promotionhistory.h"
#include "ui/promotion/promotionwizard.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <cstdio>
#include <memory>

namespace Lucent::Tests {

using namespace Lucent::Core;
using Lucent::Ui::PromotionWizard;

/// Ticks @p images' services in the wizard's first page and gives each its image; the analysis on
/// or off, monitor window and scale-down delay 1 s.
inline bool choose(PromotionWizard &wizard, const QMap<QString, QString> &images, bool analysis = false)
{
    wizard.findChild<QCheckBox *>(QStringLiteral("analysisCheck"))->setChecked(analysis);
    auto *table = wizard.findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    int chosen = 0;
    for (int row = 0; table && row < table->rowCount(); ++row) {
        const QString service = table->item(row, 1)->text();
        table->item(row, 0)->setCheckState(images.contains(service) ? Qt::Checked : Qt::Unchecked);
        if (images.contains(service)) {
            table->item(row, 3)->setText(images[service]);
            ++chosen;
        }
    }
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    return chosen == images.size();
}

inline QPushButton *button(const PromotionWizard &wizard, const char *name)
{
    return wizard.findChild<QPushButton *>(QLatin1String(name));
}

/// Clicks Start on the plan page once the preflight checks let it; false if they never do.
inline bool start(PromotionWizard &wizard)
{
    QPushButton *next = button(wizard, "nextButton");
    if (!QTest::qWaitFor([next] { return next->isEnabled(); }, 20000))
        return false;
    next->click();
    return true;
}

/// A session on @p environment with its Services and Deployments listed; null if they never are.
inline std::unique_ptr<Environment::EnvironmentSession> openedSession(const Environment::Environment &environment,
                                                                      const Kube::Kubeconfig &kubeconfig)
{
    auto opened = std::make_unique<Environment::EnvironmentSession>(environment, kubeconfig,
                                                                    Environment::EnvironmentSession::Scope::Serving);
    opened->start();
    if (!QTest::qWaitFor(
            [&] {
                return opened->services() && opened->deployments() && opened->services()->isSynced()
                    && opened->deployments()->isSynced();
            },
            20000))
        return nullptr;
    return opened;
}

/// The console's side of the kill test, run as a process of its own (this executable with
/// --promote-until-killed PROJECT KUBECONFIG SERVICE IMAGE): a wizard in staging promotes the
/// service with a long monitor window, prints each status line, and waits to be killed.
inline int promoteUntilKilled(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 6)
        return 2;
    const auto project = Environment::ProjectConfig::load(args[2]);
    const auto staging
        = openedSession(*project.environment(QStringLiteral("staging")), Kube::Kubeconfig::load({args[3]}, true));
    if (!staging)
        return 3;
    PromotionWizard wizard(staging.get(), QStringList());
    QObject::connect(&wizard, &PromotionWizard::statusChanged, [](const QString &status) {
        std::printf("status: %s\n", qPrintable(status));
        std::fflush(stdout);
    });
    wizard.show();
    if (!choose(wizard, {{args[4], args[5]}}))
        return 4;
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(300);
    button(wizard, "nextButton")->click();
    if (!start(wizard))
        return 6;
    if (!QTest::qWaitFor(
            [&] {
                return button(wizard, "promoteButton")->isVisible() && button(wizard, "promoteButton")->isEnabled();
            },
            90000))
        return 5;
    button(wizard, "promoteButton")->click();
    return app.exec();
}

/// The sandbox, the environments' snapshots and the state directory; the test classes call
/// initFixture() from initTestCase(), initState() from init() and cleanupState() from cleanup().
class WizardFixture
{
protected:
    void initFixture()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
        m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
        m_kubeconfig = Kube::Kubeconfig::load({m_sandbox.kubeconfig()}, true);
        QString error;
        QVERIFY2(m_staging.take(&error), qPrintable(error));
        QVERIFY2(m_production.take(&error), qPrintable(error));
    }
    // A function's journals are its own: none lists or resumes another's.
    void initState()
    {
        m_state = std::make_unique<QTemporaryDir>();
        QVERIFY(m_state->isValid());
        qputenv("XDG_STATE_HOME", m_state->path().toUtf8());
    }
    // Each function starts on the environments as the sandbox made them, alone or after any
    // other: what one leaves (a standby, a switched Service, the Lease) is put back, and checked.
    void cleanupState()
    {
        const QString staging = m_staging.restore();
        QVERIFY2(staging.isEmpty(), qPrintable(staging));
        const QString production = m_production.restore();
        QVERIFY2(production.isEmpty(), qPrintable(production));
    }
    /// A session on @p environment with its Services and Deployments listed.
    std::unique_ptr<Environment::EnvironmentSession> session(const QString &environment) const
    {
        return openedSession(*m_project.environment(environment), m_kubeconfig);
    }
    /// The project's promotion settings with an analysis short enough for a test: two
    /// measurements 4 s apart after 15 s (discovery and two scrapes of the new pods at 5 s).
    Environment::PromotionSettings quickAnalysis() const
    {
        Environment::PromotionSettings settings = m_project.promotion;
        settings.analysisInitialDelaySeconds = 15;
        settings.analysisIntervalSeconds = 4;
        settings.analysisCount = 2;
        return settings;
    }
    /// The staging history's detail of its newest promotion, as the history view shows it once
    /// loaded (empty when it did not load).
    static QString newestHistoryDetail()
    {
        Release::flushPromotionJournalFiles();
        Lucent::Ui::PromotionHistory history(QStringLiteral("staging"), {}, Release::promotionJournalDirectory());
        QSignalSpy loaded(&history, &Lucent::Ui::PromotionHistory::loaded);
        history.show();
        if (!loaded.wait(10000))
            return {};
        return history.findChild<QPlainTextEdit *>(QStringLiteral("historyDetail"))->toPlainText();
    }
    QString colourOf(const QString &ns, const QString &service) const
    {
        return Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, ns, "service", service));
    }

    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
    /// Staging and production as the sandbox made them, put back after each function.
    NamespaceSnapshot m_staging{m_sandbox, QStringLiteral("lucent-staging")};
    NamespaceSnapshot m_production{m_sandbox, QStringLiteral("lucent-platform")};
    /// XDG_STATE_HOME, the promotions' journals and audit records: a new one for each function.
    std::unique_ptr<QTemporaryDir> m_state;
    Environment::ProjectConfig m_project;
    Kube::Kubeconfig m_kubeconfig;
};

/// The tests' main: this executable is also the console process a kill test kills
/// (--promote-until-killed), and LUCENT_THEME=dark takes its screenshots dark.
template<class Test> int runWizardTest(int argc, char **argv, const char *source)
{
    if (argc > 1 && qstrcmp(argv[1], "--promote-until-killed") == 0)
        return promoteUntilKilled(argc, argv);
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    if (qEnvironmentVariable("LUCENT_THEME") == QLatin1String("dark"))
        Lucent::Ui::applyTheme(Lucent::Core::CommandLine::Theme::Dark);
    else if (qEnvironmentVariableIsSet("LUCENT_SCREENSHOT_DIR"))
        Lucent::Ui::applyTheme(Lucent::Core::CommandLine::Theme::Light);
    Test test;
    QTest::setMainSourcePath(source, QT_TESTCASE_BUILDDIR);
    return QTest::qExec(&test, argc, argv);
}

} // namespace Lucent::Tests
