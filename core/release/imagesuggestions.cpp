#include "core/release/imagesuggestions.h"

#include "core/bounds/filebounds.h"
#include "core/kube/jsonat.h"
#include "core/release/servicestatus.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace Lucent::Core::Release {

namespace {

/// The repository's last path segment: "registry:5000/lucent/wallet-service:2.1.0" -> "wallet-service".
QString repositoryName(const QString &image)
{
    QString name = image.section(QLatin1Char('@'), 0, 0);
    const qsizetype slash = name.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
    if (colon > slash)
        name.truncate(colon);
    return name.mid(slash + 1);
}

} // namespace

QHash<QString, QString> servingImages(const QList<QJsonObject> &services, const QList<QJsonObject> &deployments)
{
    QHash<QString, QString> images;
    for (const QJsonObject &service : services) {
        const ServiceStatus status
            = serviceStatus(service, deployments, {}, [](const QString &) { return QJsonObject(); });
        if ((status.blueGreen || status.adoptable) && status.active() && !status.active()->images.isEmpty())
            images.insert(status.name, status.active()->images.constFirst());
    }
    return images;
}

QList<ImageSuggestion> replicaSetImages(const QString &service, const QList<QJsonObject> &replicaSets)
{
    QList<QJsonObject> own;
    for (const QJsonObject &replicaSet : replicaSets) {
        if (Kube::jsonAt(replicaSet, {"metadata", "labels", "app"}).toString() == service)
            own.append(replicaSet);
    }
    std::sort(own.begin(), own.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return Kube::jsonAt(a, {"metadata", "creationTimestamp"}).toString()
            > Kube::jsonAt(b, {"metadata", "creationTimestamp"}).toString();
    });
    QList<ImageSuggestion> suggestions;
    QStringList seen;
    for (const QJsonObject &replicaSet : std::as_const(own)) {
        const QString image = Kube::jsonAt(replicaSet, {"spec", "template", "spec", "containers"})
                                  .toArray()
                                  .first()[QLatin1String("image")]
                                  .toString();
        if (image.isEmpty() || seen.contains(image))
            continue;
        seen.append(image);
        const QString revision
            = Kube::jsonAt(replicaSet, {"metadata", "annotations", "deployment.kubernetes.io/revision"}).toString();
        const QString name = Kube::jsonAt(replicaSet, {"metadata", "name"}).toString();
        suggestions.append({image,
                            revision.isEmpty() ? QStringLiteral("ReplicaSet %1").arg(name)
                                               : QStringLiteral("ReplicaSet %1 (revision %2)").arg(name, revision)});
    }
    return suggestions;
}

QHash<QString, QList<ImageSuggestion>> manifestImages(const QString &directory, int maxFiles)
{
    static const QRegularExpression imageLine(QStringLiteral("^\\s*(?:-\\s+)?image:\\s*[\"']?([^\"'\\s#]+)"),
                                              QRegularExpression::MultilineOption);
    QHash<QString, QList<ImageSuggestion>> found;
    const QDir root(directory);
    QDirIterator files(directory, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                       QDirIterator::Subdirectories);
    for (int count = 0; files.hasNext() && count < maxFiles; ++count) {
        const QString path = files.next();
        QString unreadable; // a huge or unreadable file is no place for a suggestion
        const auto contents = FileBounds::read(path, 4 * 1024 * 1024, &unreadable);
        if (!contents)
            continue;
        const QString text = QString::fromUtf8(*contents);
        const QString relative = root.relativeFilePath(path);
        auto match = imageLine.globalMatch(text);
        while (match.hasNext()) {
            const QString image = match.next().captured(1);
            QList<ImageSuggestion> &images = found[repositoryName(image)];
            const bool known = std::any_of(images.cbegin(), images.cend(), [&](const ImageSuggestion &s) {
                return s.image == image && s.source == relative;
            });
            if (!known)
                images.append({image, relative});
        }
    }
    return found;
}

} // namespace Lucent::Core::Release
