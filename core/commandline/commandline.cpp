#include "core/commandline/commandline.h"

#include "core/commandline/promotecommand.h"
#include "core/commandline/promotioncommand.h"

#include "core/about/componentversions.h"
#include "core/logging/logging.h"

#include <QCommandLineParser>

namespace Lucent::Core {

namespace {

CommandLine parseValidate(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("text, json or sarif (text)."),
                                    QStringLiteral("format"), QStringLiteral("text"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QStringLiteral("The project file with rule settings and protected environments (default: ./lucent.yaml or "
                       "the user's config)."),
        QStringLiteral("file"));
    const QCommandLineOption production(QStringLiteral("production-namespace"),
                                        QStringLiteral("Treat this namespace as production (repeatable)."),
                                        QStringLiteral("namespace"));
    const QCommandLineOption listRules(QStringLiteral("list-rules"),
                                       QStringLiteral("Print every rule with its id, default severity and why it "
                                                      "matters, then exit."));
    parser.addOptions({help, format, config, production, listRules});
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Manifest files or directories."),
                                 QStringLiteral("PATH..."));

    CommandLine result;
    auto fail = [&](const QString &sentence) {
        result.action = CommandLine::Action::Fail;
        result.text = sentence + QStringLiteral("\nRun 'lucent-console validate --help' for the options.\n");
        return result;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        result.action = CommandLine::Action::ShowHelp;
        result.text = parser.helpText();
        result.text.replace(0, result.text.indexOf(QLatin1Char('\n')),
                            QStringLiteral("Usage: lucent-console validate [options] PATH...\n"
                                           "Checks Kubernetes manifests (YAML, schema, policy rules). Exits 1 when "
                                           "there are errors, 2 on bad usage."));
        return result;
    }
    result.validateFormat = parser.value(format).toLower();
    if (result.validateFormat != QLatin1String("text") && result.validateFormat != QLatin1String("json")
        && result.validateFormat != QLatin1String("sarif"))
        return fail(QStringLiteral("--format takes text, json or sarif, not '%1'.").arg(parser.value(format)));
    result.validatePaths = parser.positionalArguments();
    result.listRules = parser.isSet(listRules);
    if (result.validatePaths.isEmpty() && !result.listRules)
        return fail(QStringLiteral("Name the manifest files or directories to validate."));
    result.config = parser.value(config);
    result.productionNamespaces = parser.values(production);
    result.action = CommandLine::Action::Validate;
    return result;
}

} // namespace

CommandLine CommandLine::parse(const QStringList &arguments)
{
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("validate"))
        return parseValidate(QStringList{arguments.constFirst()} + arguments.mid(2));
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("promotion"))
        return parsePromotion(QStringList{arguments.constFirst()} + arguments.mid(2));
    if (arguments.size() > 1
        && (arguments.at(1) == QLatin1String("promote") || arguments.at(1) == QLatin1String("rollback")))
        return parsePromote(QStringList{arguments.constFirst()} + arguments.mid(2),
                            arguments.at(1) == QLatin1String("rollback"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lucent Release Console: environments, rollouts, alerts and logs of the Lucent platform."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption kubeconfig(
        QStringLiteral("kubeconfig"), QStringLiteral("Read this kubeconfig instead of $KUBECONFIG or ~/.kube/config."),
        QStringLiteral("file"));
    const QCommandLineOption config(
        QStringLiteral("config"),
        QStringLiteral("Read the environments from this project file instead of ./lucent.yaml or the user's config."),
        QStringLiteral("file"));
    const QCommandLineOption sandbox(
        QStringLiteral("sandbox"),
        QStringLiteral("Start lucent-sandbox, a simulated cluster of the platform, and open the console on it."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the main window to a PNG once the first data has arrived, then exit. "
                       "Works without a display."),
        QStringLiteral("file"));
    const QCommandLineOption screenshotTimeout(
        QStringLiteral("screenshot-timeout"),
        QStringLiteral("Seconds to wait for data before --screenshot gives up (30)."), QStringLiteral("seconds"),
        QStringLiteral("30"));
    const QCommandLineOption logLevel(QStringLiteral("log-level"),
                                      QStringLiteral("trace, debug, info, warn, error, critical or off (info)."),
                                      QStringLiteral("level"), QStringLiteral("info"));
    const QCommandLineOption view(
        QStringLiteral("view"),
        QStringLiteral("The view to open on: rollouts, alerts, metrics, logs, manifests or kubeconfig (rollouts)."),
        QStringLiteral("view"), QStringLiteral("rollouts"));
    const QCommandLineOption logs(QStringLiteral("logs"),
                                  QStringLiteral("Open the Logs tab on SOURCE: deployment/NAME, service/NAME, "
                                                 "pod/NAME or a label selector."),
                                  QStringLiteral("source"));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("system, light or dark (system)."),
                                   QStringLiteral("theme"), QStringLiteral("system"));
    const QCommandLineOption workspace(QStringLiteral("workspace"),
                                       QStringLiteral("The manifests directory the Manifests tab opens (./manifests, "
                                                      "or the platform's own with --sandbox)."),
                                       QStringLiteral("dir"));
    const QCommandLineOption open(QStringLiteral("open"),
                                  QStringLiteral("Open this manifest in the Manifests tab (implies --view manifests)."),
                                  QStringLiteral("file"));
    const QCommandLineOption size(
        QStringLiteral("size"), QStringLiteral("The window's size, e.g. 1024x700 (for screenshots of small screens)."),
        QStringLiteral("WIDTHxHEIGHT"));
    const QCommandLineOption environment(
        QStringLiteral("env"), QStringLiteral("Open on this environment of the project (else the current context's)."),
        QStringLiteral("name"));
    const QCommandLineOption promote(
        QStringLiteral("promote"),
        QStringLiteral("Open the promotion wizard once the environment is connected, with these services ticked "
                       "(comma-separated; an empty value ticks none)."),
        QStringLiteral("services"));
    parser.addOptions({help, version, kubeconfig, config, sandbox, view, logs, screenshot, screenshotTimeout, logLevel,
                       theme, workspace, open, size, environment, promote});

    CommandLine result;
    auto fail = [&](const QString &sentence) {
        result.action = Action::Fail;
        result.text = sentence + QStringLiteral("\nRun 'lucent-console --help' for the options.\n");
        return result;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("Unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));

    if (parser.isSet(help)) {
        result.action = Action::ShowHelp;
        // Qt names the program after the running executable, or "<executable_name>" before a
        // QCoreApplication exists; the usage line should always say what the user types.
        result.text = parser.helpText();
        result.text.replace(0, result.text.indexOf(QLatin1Char('\n')),
                            QStringLiteral("Usage: lucent-console [options]\n"
                                           "       lucent-console validate [--format text|json|sarif] PATH...\n"
                                           "       lucent-console promote --env ENV --image SERVICE=IMAGE... "
                                           "[--yes | --confirm ENV]\n"
                                           "       lucent-console rollback --env ENV [--service SERVICE...] "
                                           "[--yes | --confirm ENV]\n"
                                           "       lucent-console promotion status|resume|abort|history --env ENV"));
        return result;
    }
    if (parser.isSet(version)) {
        result.action = Action::ShowVersion;
        result.text = QStringLiteral("lucent-console %1\n").arg(applicationVersion());
        return result;
    }

    const auto level = Logging::parseLevel(parser.value(logLevel));
    if (!level)
        return fail(QStringLiteral("Unknown log level '%1'; use trace, debug, info, warn, error, critical or off.")
                        .arg(parser.value(logLevel)));
    result.logLevel = *level;

    const QString themeName = parser.value(theme).toLower();
    if (themeName == QLatin1String("dark"))
        result.theme = Theme::Dark;
    else if (themeName == QLatin1String("light"))
        result.theme = Theme::Light;
    else if (themeName != QLatin1String("system"))
        return fail(QStringLiteral("Unknown theme '%1'; use system, light or dark.").arg(parser.value(theme)));

    if (parser.isSet(size)) {
        const QStringList parts = parser.value(size).toLower().split(QLatin1Char('x'));
        bool okWidth = false;
        bool okHeight = false;
        const int width = parts.value(0).toInt(&okWidth);
        const int height = parts.value(1).toInt(&okHeight);
        if (parts.size() != 2 || !okWidth || !okHeight || width < 320 || height < 240 || width > 16384
            || height > 16384)
            return fail(QStringLiteral("--size takes WIDTHxHEIGHT in pixels, at least 320x240, such as 1024x700; "
                                       "not '%1'.")
                            .arg(parser.value(size)));
        result.windowSize = QSize(width, height);
    }

    bool ok = false;
    result.screenshotTimeoutSeconds = parser.value(screenshotTimeout).toInt(&ok);
    if (!ok || result.screenshotTimeoutSeconds <= 0)
        return fail(QStringLiteral("--screenshot-timeout takes a positive number of seconds, not '%1'.")
                        .arg(parser.value(screenshotTimeout)));

    result.kubeconfig = parser.value(kubeconfig);
    result.config = parser.value(config);
    result.sandbox = parser.isSet(sandbox);
    if (result.sandbox && (!result.kubeconfig.isEmpty() || !result.config.isEmpty()))
        return fail(QStringLiteral(
            "--sandbox brings its own kubeconfig and project file; leave out --kubeconfig and --config."));
    result.screenshot = parser.value(screenshot);
    result.view = parser.value(view).toLower();
    static const QStringList views{QStringLiteral("rollouts"),  QStringLiteral("alerts"),
                                   QStringLiteral("metrics"),   QStringLiteral("logs"),
                                   QStringLiteral("manifests"), QStringLiteral("kubeconfig")};
    if (!views.contains(result.view))
        return fail(QStringLiteral("--view takes rollouts, alerts, metrics, logs, manifests or kubeconfig, not '%1'.")
                        .arg(parser.value(view)));
    result.workspace = parser.value(workspace);
    result.openFile = parser.value(open);
    if (!result.openFile.isEmpty())
        result.view = QStringLiteral("manifests");
    result.environment = parser.value(environment);
    result.openPromotion = parser.isSet(promote);
    for (const QString &service : parser.value(promote).split(QLatin1Char(','), Qt::SkipEmptyParts))
        result.promoteServices.append(service.trimmed());
    result.logs = parser.value(logs);
    if (!result.logs.isEmpty())
        result.view = QStringLiteral("logs");
    return result;
}

} // namespace Lucent::Core
