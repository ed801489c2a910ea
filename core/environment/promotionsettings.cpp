#include "core/environment/promotionsettings.h"

#include <QSet>

#include <yaml-cpp/yaml.h>

namespace Lucent::Core::Environment {

namespace {

using Report = std::function<void(const YAML::Node &, const QString &)>;

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

std::optional<int> wholeNumber(const YAML::Node &node, const char *key, int minimum, const Report &problem)
{
    bool ok = node.IsScalar();
    const int value = ok ? text(node).toInt(&ok) : 0;
    if (!ok || value < minimum) {
        problem(node, QStringLiteral("'%1' must be a whole number, %2 or more.").arg(QLatin1String(key)).arg(minimum));
        return std::nullopt;
    }
    return value;
}

std::optional<double> number(const YAML::Node &node, const char *key, const Report &problem)
{
    bool ok = node.IsScalar();
    const double value = ok ? text(node).toDouble(&ok) : 0;
    if (!ok) {
        problem(node, QStringLiteral("'%1' must be a number.").arg(QLatin1String(key)));
        return std::nullopt;
    }
    return value;
}

std::optional<AnalysisMetricSettings> parseMetric(const YAML::Node &node, const Report &problem)
{
    if (!node.IsMap()) {
        problem(node, QStringLiteral("each analysis metric must be a map with name, query and below or above."));
        return std::nullopt;
    }
    static const QSet<QString> known{QStringLiteral("name"),         QStringLiteral("query"),
                                     QStringLiteral("below"),        QStringLiteral("above"),
                                     QStringLiteral("failureLimit"), QStringLiteral("inconclusiveLimit")};
    AnalysisMetricSettings metric;
    int bounds = 0;
    bool valid = true;
    for (const auto &pair : node) {
        const QString key = text(pair.first);
        const YAML::Node &value = pair.second;
        if (!known.contains(key)) {
            problem(pair.first,
                    QStringLiteral("unknown analysis metric key '%1' (known: name, query, below, above, "
                                   "failureLimit, inconclusiveLimit).")
                        .arg(key));
            valid = false;
        } else if (key == QLatin1String("name") || key == QLatin1String("query")) {
            if (!value.IsScalar() || text(value).trimmed().isEmpty()) {
                problem(value, QStringLiteral("'%1' must be a non-empty string.").arg(key));
                valid = false;
            } else {
                (key == QLatin1String("name") ? metric.name : metric.query) = text(value);
            }
        } else if (key == QLatin1String("below") || key == QLatin1String("above")) {
            ++bounds;
            const auto threshold = number(value, key == QLatin1String("below") ? "below" : "above", problem);
            valid = valid && threshold.has_value();
            metric.threshold = threshold.value_or(0);
            metric.above = key == QLatin1String("above");
        } else {
            const auto limit = wholeNumber(
                value, key == QLatin1String("failureLimit") ? "failureLimit" : "inconclusiveLimit", 0, problem);
            valid = valid && limit.has_value();
            (key == QLatin1String("failureLimit") ? metric.failureLimit : metric.inconclusiveLimit) = limit.value_or(0);
        }
    }
    if (metric.name.isEmpty() || metric.query.isEmpty()) {
        problem(node, QStringLiteral("an analysis metric needs a name and a query."));
        return std::nullopt;
    }
    if (bounds != 1) {
        problem(node, QStringLiteral("analysis metric '%1' needs exactly one of below or above.").arg(metric.name));
        return std::nullopt;
    }
    return valid ? std::optional(metric) : std::nullopt;
}

void parseAnalysis(const YAML::Node &node, PromotionSettings &settings, const Report &problem)
{
    if (!node.IsMap()) {
        problem(node,
                QStringLiteral("'analysis' must be a map with metrics, initialDelaySeconds, intervalSeconds "
                               "and count."));
        return;
    }
    for (const auto &pair : node) {
        const QString key = text(pair.first);
        const YAML::Node &value = pair.second;
        if (key == QLatin1String("initialDelaySeconds")) {
            settings.analysisInitialDelaySeconds = wholeNumber(value, "initialDelaySeconds", 0, problem);
        } else if (key == QLatin1String("intervalSeconds")) {
            settings.analysisIntervalSeconds = wholeNumber(value, "intervalSeconds", 1, problem);
        } else if (key == QLatin1String("count")) {
            settings.analysisCount = wholeNumber(value, "count", 1, problem);
        } else if (key == QLatin1String("metrics")) {
            if (!value.IsSequence() || value.size() == 0) {
                problem(value, QStringLiteral("'metrics' must be a list of at least one metric."));
                continue;
            }
            QSet<QString> names;
            for (const YAML::Node &entry : value) {
                const auto metric = parseMetric(entry, problem);
                if (!metric)
                    continue;
                if (names.contains(metric->name))
                    problem(entry, QStringLiteral("analysis metric '%1' is defined twice.").arg(metric->name));
                names.insert(metric->name);
                settings.metrics.append(*metric);
            }
        } else {
            problem(pair.first,
                    QStringLiteral("unknown 'analysis' key '%1' (known: metrics, initialDelaySeconds, "
                                   "intervalSeconds, count).")
                        .arg(key));
        }
    }
}

} // namespace

void parsePromotionSettings(const YAML::Node &node, PromotionSettings &settings, const Report &problem)
{
    if (!node.IsMap()) {
        problem(node, QStringLiteral("'promotion' must be a map; see the README's example."));
        return;
    }
    for (const auto &pair : node) {
        const QString key = text(pair.first);
        const YAML::Node &value = pair.second;
        if (key == QLatin1String("preview")) {
            if (!value.IsScalar() || (text(value) != QLatin1String("true") && text(value) != QLatin1String("false")))
                problem(value, QStringLiteral("'preview' must be true or false."));
            else
                settings.preview = text(value) == QLatin1String("true");
        } else if (key == QLatin1String("monitorSeconds")) {
            settings.monitorSeconds = wholeNumber(value, "monitorSeconds", 0, problem);
        } else if (key == QLatin1String("scaleDownDelaySeconds")) {
            settings.scaleDownDelaySeconds = wholeNumber(value, "scaleDownDelaySeconds", 0, problem);
        } else if (key == QLatin1String("leaseSeconds")) {
            // The lock is renewed every third of it: below 3 s a busy host could miss a renewal.
            settings.leaseSeconds = wholeNumber(value, "leaseSeconds", 3, problem);
        } else if (key == QLatin1String("smokeTestTimeoutSeconds")) {
            settings.smokeTestTimeoutSeconds = wholeNumber(value, "smokeTestTimeoutSeconds", 1, problem).value_or(120);
        } else if (key == QLatin1String("smokeTest")) {
            bool ok = value.IsSequence() && value.size() > 0;
            QStringList argv;
            for (std::size_t i = 0; ok && i < value.size(); ++i) {
                ok = value[i].IsScalar() && !text(value[i]).isEmpty();
                argv.append(ok ? text(value[i]) : QString());
            }
            if (ok)
                settings.smokeTest = argv;
            else
                problem(value,
                        QStringLiteral("'smokeTest' must be a list: the program, then its arguments (it runs "
                                       "without a shell)."));
        } else if (key == QLatin1String("analysis")) {
            parseAnalysis(value, settings, problem);
        } else {
            problem(
                pair.first,
                QStringLiteral("unknown 'promotion' key '%1' (known: preview, monitorSeconds, "
                               "scaleDownDelaySeconds, smokeTest, smokeTestTimeoutSeconds, leaseSeconds, analysis).")
                    .arg(key));
        }
    }
}

} // namespace Lucent::Core::Environment
