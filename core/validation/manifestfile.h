#pragma once

// Internal to core/validation: the parsed form of one manifest file. Uses yaml-cpp, which
// stays a private dependency of lucent_core, so nothing outside core/validation includes it.

#include "core/validation/problem.h"

#include <yaml-cpp/yaml.h>

#include <QString>
#include <QStringList>

#include <initializer_list>
#include <vector>

namespace Lucent::Core::Validation {

/// One YAML document of a file. yaml-cpp marks are relative to the document's text, which
/// starts at firstLine (0-based) of the file.
struct ManifestDocument {
    QString file;
    int index = 0; ///< 0-based position in the file
    int firstLine = 0;
    YAML::Node root;
    QString apiVersion;
    QString kind;
    QString name;
    QString explicitNamespace; ///< metadata.namespace as written
    QStringList namespaces; ///< where it lands: explicit, or given by kustomizations; empty when unknown

    /// "Deployment/wallet-service" (or the kind alone).
    QString objectName() const;
    /// A problem at @p node: 1-based position in the file, and the node's length on its line.
    Problem problemAt(const YAML::Node &node, Severity severity, const QString &ruleId, const QString &message) const;
};

struct ManifestFile {
    QString path;
    std::vector<ManifestDocument> documents;
    QList<Problem> problems; ///< syntax errors and duplicate keys
};

/// Splits @p text at document markers and parses each document on its own, so that one
/// broken document does not hide the others and every position is exact.
ManifestFile parseManifestFile(const QString &path, const QByteArray &text);

/// The YAML 1.2 core type of a scalar: how the API server's decoder will read it.
enum class ScalarType { Null, Boolean, Integer, Float, String };
ScalarType scalarType(const YAML::Node &node);

QString scalarText(const YAML::Node &node);

/// @p map's value for @p key, or an undefined node. Unlike yaml-cpp's operator[], the result
/// can be asked anything (IsMap, Mark, further keys) without throwing when something is missing.
YAML::Node child(const YAML::Node &map, const char *key);
/// child() along a path of keys: at(root, {"spec", "template", "spec"}).
YAML::Node at(const YAML::Node &node, std::initializer_list<const char *> path);
/// @p node when it is a list, else an empty one: a mapping or a scalar where a list belongs is
/// the schema check's finding, never a reason for a rule to stop (iterating a mapping as a list
/// hands out invalid nodes, which throw).
YAML::Node listOf(const YAML::Node &node);
/// The value of a string field, or empty when absent or not a scalar.
QString stringAt(const YAML::Node &map, const char *key);

} // namespace Lucent::Core::Validation
