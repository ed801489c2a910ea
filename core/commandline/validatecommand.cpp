#include "core/commandline/validatecommand.h"

#include "core/about/componentversions.h"
#include "core/environment/projectconfig.h"
#include "core/validation/reportformat.h"
#include "core/validation/rulecatalog.h"
#include "core/validation/validator.h"

#include <QDir>
#include <QStandardPaths>

namespace Lucent::Core {

int runValidateCommand(const CommandLine &options, std::FILE *out, std::FILE *err)
{
    using Environment::ProjectConfig;
    using namespace Validation;
    if (options.listRules) {
        QByteArray text;
        for (const auto &rule : ruleCatalog()) {
            text += QStringLiteral("%1 (%2%3)\n    %4\n    %5\n")
                        .arg(rule.id, severityName(rule.defaultSeverity),
                             rule.configurable ? QString() : QStringLiteral(", always on"), rule.title, rule.help)
                        .toUtf8();
        }
        std::fwrite(text.constData(), 1, std::size_t(text.size()), out);
        return 0;
    }
    ValidationSettings settings;
    const QString projectFile = ProjectConfig::locate(
        options.config, QDir::currentPath(), QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
    if (!projectFile.isEmpty()) {
        const ProjectConfig project = ProjectConfig::load(projectFile);
        if (!project.problems.isEmpty()) {
            for (const auto &problem : project.problems)
                std::fprintf(err, "lucent-console: %s\n", qPrintable(problem.sentence()));
            return 2;
        }
        settings = project.validationSettings();
    }
    for (const auto &ns : options.productionNamespaces) {
        if (!settings.productionNamespaces.contains(ns))
            settings.productionNamespaces.append(ns);
    }

    QList<Problem> unreadable;
    const QList<ManifestSource> sources = Validator::collect(options.validatePaths, &unreadable);
    ValidationResult result = Validator(settings).validate(sources);
    result.problems = unreadable + result.problems;

    QByteArray report;
    if (options.validateFormat == QLatin1String("json"))
        report = formatJson(result);
    else if (options.validateFormat == QLatin1String("sarif"))
        report = formatSarif(result, QDir::currentPath(), applicationVersion());
    else
        report = formatText(result);
    std::fwrite(report.constData(), 1, std::size_t(report.size()), out);
    std::fflush(out);
    return result.errors() > 0 ? 1 : 0;
}

} // namespace Lucent::Core
