#include "core/validation/validator.h"

#include "core/bounds/filebounds.h"

#include "core/validation/manifestfile.h"
#include "core/validation/policyrules.h"
#include "core/validation/schemacheck.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <exception>

namespace Lucent::Core::Validation {

namespace {

QString absolute(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

// kustomize puts the resources a kustomization lists (files, or directories with their own
// kustomization) into its namespace. The validator needs that to know where base files land.
class KustomizeNamespaces
{
public:
    explicit KustomizeNamespaces(const std::vector<ManifestFile> &files)
    {
        for (const auto &file : files) {
            for (const auto &doc : file.documents) {
                if (doc.kind == QLatin1String("Kustomization"))
                    m_kustomizations.insert(QFileInfo(absolute(file.path)).absolutePath(), &doc);
            }
        }
        for (auto it = m_kustomizations.begin(); it != m_kustomizations.end(); ++it) {
            const QString ns = stringAt(it.value()->root, "namespace");
            if (ns.isEmpty())
                continue;
            QSet<QString> included;
            QSet<QString> visited;
            collectFiles(it.key(), included, visited);
            for (const QString &file : std::as_const(included)) {
                if (!m_namespaces[file].contains(ns))
                    m_namespaces[file].append(ns);
            }
        }
    }

    /// The namespaces given to @p file by the kustomizations that include it.
    QStringList namespacesOf(const QString &file) const
    {
        return m_kustomizations.isEmpty() ? QStringList() : m_namespaces.value(absolute(file));
    }

private:
    void collectFiles(const QString &dir, QSet<QString> &files, QSet<QString> &visited) const
    {
        if (visited.contains(dir))
            return;
        visited.insert(dir);
        const auto it = m_kustomizations.constFind(dir);
        if (it == m_kustomizations.constEnd())
            return;
        for (const auto &entry : listOf(child(it.value()->root, "resources"))) {
            const QString path = QDir::cleanPath(dir + QLatin1Char('/') + scalarText(entry));
            if (m_kustomizations.contains(path))
                collectFiles(path, files, visited);
            else
                files.insert(path);
        }
    }

    QHash<QString, const ManifestDocument *> m_kustomizations; // directory -> its kustomization
    QHash<QString, QStringList> m_namespaces; // file -> the namespaces kustomizations give it
};

/// Runs @p check; an exception from it (yaml-cpp throws on a node used as what it is not) becomes
/// a problem on @p file instead of ending the process: the Manifests tab validates as the user
/// types, on a worker, where an escaped exception would take the window and its edits with it.
template<typename Check> void guarded(const QString &file, int line, QList<Problem> &problems, Check check)
{
    try {
        check();
    } catch (const std::exception &e) {
        Problem p;
        p.file = file;
        p.line = line;
        p.column = 1;
        p.ruleId = QStringLiteral("yaml-syntax");
        p.message = QStringLiteral("The validator stopped on this input (%1). The other checks still ran; this is a "
                                   "lucent-console bug, please report it with the file.")
                        .arg(QString::fromUtf8(e.what()));
        problems.append(p);
    }
}

} // namespace

Validator::Validator(ValidationSettings settings, std::shared_ptr<const KubernetesSchema> schema)
    : m_settings(std::move(settings))
    , m_schema(schema ? std::move(schema) : KubernetesSchema::bundled())
{
}

ValidationResult Validator::validate(const QList<ManifestSource> &sources, const QString &onlyFile,
                                     const std::function<bool()> &isCancelled) const
{
    const auto cancelled = [&isCancelled] { return isCancelled && isCancelled(); };
    ValidationResult result;
    std::vector<ManifestFile> files;
    files.reserve(sources.size());
    for (const auto &source : sources) {
        if (cancelled())
            return result;
        files.push_back(parseManifestFile(source.path, source.text));
    }

    const KustomizeNamespaces kustomize(files);
    std::vector<const ManifestDocument *> documents;
    QList<Problem> problems;
    for (auto &file : files) {
        const QStringList given = kustomize.namespacesOf(file.path);
        for (auto &doc : file.documents) {
            if (doc.explicitNamespace.isEmpty())
                doc.namespaces = given;
        }
    }
    for (const auto &file : files) {
        if (cancelled())
            return result;
        problems += file.problems;
        for (const auto &doc : file.documents) {
            documents.push_back(&doc);
            guarded(doc.file, doc.firstLine + 1, problems, [&] { checkSchema(*m_schema, doc, problems); });
        }
    }
    guarded(QString(), 0, problems, [&] { checkPolicies(documents, m_settings, problems); });

    for (auto &p : problems) {
        if (!onlyFile.isEmpty() && p.file != onlyFile)
            continue;
        if (!m_settings.isEnabled(p.ruleId))
            continue;
        if (p.severity != Severity::Info)
            p.severity = m_settings.severityOf(p.ruleId);
        result.problems.append(p);
    }
    sortProblems(result.problems);
    result.files = int(files.size());
    result.documents = int(documents.size());
    return result;
}

QList<ManifestSource> Validator::collect(const QStringList &paths, QList<Problem> *problems)
{
    QList<ManifestSource> sources;
    auto read = [&](const QString &path) {
        QString error;
        auto text = FileBounds::read(path, MaxFileSize, &error);
        if (!text) {
            if (problems) {
                Problem p;
                p.file = path;
                p.ruleId = QStringLiteral("yaml-syntax");
                p.message = QStringLiteral("The file %1; it was not checked.").arg(error);
                problems->append(p);
            }
            return;
        }
        sources.append({path, std::move(*text)});
    };
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            read(path);
            continue;
        }
        QStringList found;
        QDirIterator it(path, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            found.append(it.next());
        found.sort();
        for (const QString &file : found)
            read(file);
    }
    return sources;
}

} // namespace Lucent::Core::Validation
