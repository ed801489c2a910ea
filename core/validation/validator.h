#pragma once

#include "core/validation/kubernetesschema.h"
#include "core/validation/problem.h"
#include "core/validation/rulecatalog.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace Lucent::Core::Validation {

/// One manifest file's path and text (the editor passes unsaved text).
struct ManifestSource {
    QString path;
    QByteArray text;
};

struct ValidationResult {
    QList<Problem> problems; ///< sorted by file, line and column
    int files = 0;
    int documents = 0;

    int errors() const { return countSeverity(problems, Severity::Error); }
    int warnings() const { return countSeverity(problems, Severity::Warning); }
};

/// Checks manifests in three layers: YAML syntax (with duplicate keys), the Kubernetes
/// schema, and the platform's policy rules across the whole set. Pure and thread-safe: the
/// editor runs it on a worker thread, the command line on the main one.
class Validator final
{
public:
    explicit Validator(ValidationSettings settings = {},
                       std::shared_ptr<const KubernetesSchema> schema = KubernetesSchema::bundled());

    const ValidationSettings &settings() const { return m_settings; }
    const KubernetesSchema &schema() const { return *m_schema; }

    /// Validates @p sources as one set. With @p onlyFile, every file still counts for
    /// cross-references (Service selectors, Ingress backends, kustomization namespaces), but
    /// only that file's problems are returned.
    /// @p isCancelled is asked between files and documents: when it says yes, validation stops
    /// and returns what it has (the caller drops it), so an outdated run does not finish.
    ValidationResult validate(const QList<ManifestSource> &sources, const QString &onlyFile = {},
                              const std::function<bool()> &isCancelled = {}) const;

    static constexpr qint64 MaxFileSize = 64 * 1024 * 1024;

    /// Reads the given files, and the *.yaml and *.yml files under the given directories.
    /// Paths that cannot be read (or are larger than MaxFileSize) become problems rather than
    /// being skipped silently.
    static QList<ManifestSource> collect(const QStringList &paths, QList<Problem> *problems);

private:
    ValidationSettings m_settings;
    std::shared_ptr<const KubernetesSchema> m_schema;
};

} // namespace Lucent::Core::Validation
