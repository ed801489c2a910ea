// lucent-console: parses the command line, sets up logging and shows the main window.
// Everything with behaviour worth testing lives in lucent_core and lucent_ui.

#include "core/commandline/commandline.h"
#include "core/commandline/promotecommand.h"
#include "core/commandline/promotioncommand.h"
#include "core/commandline/validatecommand.h"
#include "core/environment/projectconfig.h"
#include "core/environment/sandboxlauncher.h"
#include "core/kube/kubeconfig.h"
#include "core/logging/logging.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/screenshotter.h"
#include "ui/shell/startuptrace.h"
#include "ui/shell/theme.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QStandardPaths>

#include <cstdio>

namespace {

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

QStringList rawArguments(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

} // namespace

int main(int argc, char **argv)
{
    using Lucent::Core::CommandLine;
    const CommandLine options = CommandLine::parse(rawArguments(argc, argv));
    switch (options.action) {
    case CommandLine::Action::ShowHelp:
    case CommandLine::Action::ShowVersion: std::fputs(options.text.toLocal8Bit().constData(), stdout); return 0;
    case CommandLine::Action::Fail: std::fputs(options.text.toLocal8Bit().constData(), stderr); return 2;
    case CommandLine::Action::Validate: {
        // For CI pipelines: no window, no display, no cluster.
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("lucent-console"));
        QCoreApplication::setOrganizationName(QStringLiteral("Lucent"));
        return Lucent::Core::runValidateCommand(options, stdout, stderr);
    }
    case CommandLine::Action::Promote:
    case CommandLine::Action::Rollback:
    case CommandLine::Action::Promotion: {
        // For CI pipelines: a blue-green promotion without a window. Its log goes to the file
        // only: the command's own lines are its output.
        Lucent::Core::Logging::Options logOptions;
        logOptions.level = options.logLevel;
        logOptions.console = false;
        if (const auto problem = Lucent::Core::Logging::initialize(logOptions))
            std::fprintf(stderr, "lucent-console: %s\n", problem->toLocal8Bit().constData());
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("lucent-console"));
        QCoreApplication::setOrganizationName(QStringLiteral("Lucent"));
        return options.action == CommandLine::Action::Promotion
            ? Lucent::Core::runPromotionCommand(options, stdout, stderr)
            : Lucent::Core::runPromoteCommand(options, stdout, stderr);
    }
    case CommandLine::Action::Run: break;
    }

    if (!hasDisplay()) {
        if (options.screenshot.isEmpty()) {
            std::fputs("lucent-console: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                       "To run without a display, either render one screenshot and exit:\n"
                       "    lucent-console --screenshot console.png\n"
                       "or run the window on a virtual X server:\n"
                       "    xvfb-run -a lucent-console\n",
                       stderr);
            return 2;
        }
        qputenv("QT_QPA_PLATFORM", "offscreen"); // --screenshot needs no screen
    }

    Lucent::Core::Logging::Options logOptions;
    logOptions.level = options.logLevel;
    const auto logProblem = Lucent::Core::Logging::initialize(logOptions);
    auto log = Lucent::Core::Logging::logger("lucent.app");
    if (logProblem)
        log->warn("{}", logProblem->toStdString());

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("lucent-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Lucent Release Console"));
    QApplication::setApplicationVersion(QStringLiteral(LUCENT_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("Lucent"));
    QApplication::setDesktopFileName(QStringLiteral("com.lucent.ReleaseConsole"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/lucent-console.svg")));
    Lucent::Ui::applyTheme(options.theme);
    log->info("lucent-console {} starting, Qt {}", LUCENT_VERSION_STRING, qVersion());

    // The Manifests tab's folder: --workspace, else ./manifests, else (with --sandbox, or
    // installed) the platform's own manifests that the sandbox runs.
    auto workspace = [&]() -> QString {
        if (!options.workspace.isEmpty())
            return options.workspace;
        if (QFileInfo(QStringLiteral("manifests")).isDir())
            return QFileInfo(QStringLiteral("manifests")).absoluteFilePath();
        const QString installed
            = QApplication::applicationDirPath() + QStringLiteral("/../share/lucent-console/manifests");
        if (QFileInfo(installed).isDir())
            return QDir::cleanPath(installed);
        return QStringLiteral(LUCENT_SOURCE_MANIFESTS_DIR);
    };

    // --sandbox: the simulated cluster first, then the window on its kubeconfig and project.
    std::unique_ptr<Lucent::Core::Environment::SandboxLauncher> sandbox;
    std::unique_ptr<Lucent::Ui::MainWindow> window;
    int exitCode = 0;
    auto openWindow = [&](const QStringList &files, bool explicitFile, const QString &projectFile) {
        window = std::make_unique<Lucent::Ui::MainWindow>(files, explicitFile, projectFile);
        window->setWorkspace(workspace());
        window->setStartEnvironment(options.environment);
        if (options.openPromotion)
            window->promoteWhenConnected(options.promoteServices);
        if (options.windowSize.isValid())
            window->resize(options.windowSize);
        window->showView(options.view);
        if (!options.logs.isEmpty())
            window->openLogs(options.logs);
        if (!options.openFile.isEmpty())
            window->openManifest(options.openFile);
        // For the start-up benchmark: when the window and the live dashboard were first painted.
        if (const QByteArray trace = qgetenv("LUCENT_STARTUP_TRACE"); !trace.isEmpty())
            new Lucent::Ui::StartupTrace(window.get(), trace == "exit");
        window->show();
        if (options.screenshot.isEmpty())
            return;
        auto *shooter
            = new Lucent::Ui::Screenshotter(window.get(), options.screenshot, options.screenshotTimeoutSeconds, &app);
        QObject::connect(window.get(), &Lucent::Ui::MainWindow::firstDataArrived, shooter,
                         &Lucent::Ui::Screenshotter::onDataArrived);
        QObject::connect(shooter, &Lucent::Ui::Screenshotter::finished, &app, [&](const QString &error) {
            if (error.isEmpty()) {
                log->info("screenshot saved to {}", options.screenshot.toStdString());
            } else {
                log->error("{}", error.toStdString());
                exitCode = 1;
            }
            QApplication::exit(exitCode);
        });
    };
    if (options.sandbox) {
        sandbox = std::make_unique<Lucent::Core::Environment::SandboxLauncher>();
        QObject::connect(sandbox.get(), &Lucent::Core::Environment::SandboxLauncher::started, &app,
                         [&](const QString &url) {
                             log->info("lucent-sandbox listening on {}", url.toStdString());
                             openWindow({sandbox->kubeconfig()}, true, sandbox->projectFile());
                         });
        QObject::connect(sandbox.get(), &Lucent::Core::Environment::SandboxLauncher::failed, &app,
                         [&](const QString &sentence) {
                             log->error("{}", sentence.toStdString());
                             std::fprintf(stderr, "lucent-console: %s\n", qPrintable(sentence));
                             exitCode = 1;
                             QApplication::exit(1);
                         });
        sandbox->start(Lucent::Core::Environment::SandboxLauncher::locate(QApplication::applicationDirPath()));
    } else {
        const QStringList files
            = Lucent::Core::Kube::Kubeconfig::locate(options.kubeconfig, qEnvironmentVariable("KUBECONFIG"));
        const QString projectFile = Lucent::Core::Environment::ProjectConfig::locate(
            options.config, QDir::currentPath(), QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
        openWindow(files, !options.kubeconfig.isEmpty(), projectFile);
    }

    const int result = QApplication::exec();
    window.reset(); // before the sandbox it talks to
    sandbox.reset();
    Lucent::Core::Logging::shutdown();
    return exitCode != 0 ? exitCode : result;
}
