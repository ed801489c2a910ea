// bench_validate: how long the validator takes for N documents (default 1,000: the
// Deployments and Services of the platform's base, renamed, which is what a large
// repository holds), against 'kubectl apply --dry-run=client --validate=strict' on the same
// file, which checks it against the sandbox's OpenAPI schema.
// The target: 1,000 documents well under a second.

#include "core/validation/validator.h"
#include "sandboxprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace Lucent::Core::Validation;

namespace {

QByteArray corpus(int documents)
{
    QByteArray out;
    int made = 0;
    const QDir base(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/base"));
    QList<QByteArray> templates;
    for (const auto &name : base.entryList({QStringLiteral("*-service.yaml"), QStringLiteral("api-gateway.yaml")})) {
        QFile file(base.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            templates.append(file.readAll());
    }
    for (int copy = 0; made < documents; ++copy) {
        for (const QByteArray &t : std::as_const(templates)) {
            if (made >= documents)
                break;
            // Each template file holds a Deployment and a Service.
            QByteArray renamed = t;
            const QByteArray prefix = QByteArray("name: c") + QByteArray::number(copy) + QByteArray("-");
            renamed.replace(QByteArray("name: "), prefix);
            out += renamed + "\n---\n";
            made += 2;
        }
    }
    return out;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int documents = argc > 1 ? QByteArray(argv[1]).toInt() : 1000;
    const QByteArray text = corpus(documents);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("corpus.yaml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return 1;
    file.close();

    const Validator validator;
    std::vector<double> runs;
    ValidationResult result;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        result = validator.validate({{path, text}});
        runs.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    const double ours = median(runs);
    std::printf("validate: %d documents (%.1f MB) in %.0f ms (median of 5; best %.0f ms), %d problems\n",
                result.documents, double(text.size()) / 1e6, ours, *std::min_element(runs.begin(), runs.end()),
                int(result.problems.size()));
    std::printf("  target: 1,000 documents well under 1 s: %s\n",
                documents >= 1000 && ours < 500 ? "met" : (ours < 1000 ? "under 1 s" : "NOT met"));

    const QString kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    Lucent::Tests::SandboxProcess sandbox;
    if (kubectl.isEmpty() || !sandbox.start()) {
        std::printf("kubectl comparison skipped: %s\n",
                    kubectl.isEmpty() ? "kubectl is not on PATH" : qPrintable(sandbox.error()));
        return 0;
    }
    std::vector<double> theirs;
    for (int i = 0; i < 3; ++i) {
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        process.start(kubectl,
                      {QStringLiteral("--kubeconfig"), sandbox.kubeconfig(), QStringLiteral("apply"),
                       QStringLiteral("--dry-run=client"), QStringLiteral("--validate=strict"), QStringLiteral("-n"),
                       QStringLiteral("lucent-staging"), QStringLiteral("-f"), path});
        process.waitForFinished(300000);
        theirs.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (process.exitCode() != 0)
            std::printf("  kubectl said: %s\n", process.readAllStandardError().left(300).constData());
    }
    const double k = median(theirs);
    std::printf("kubectl apply --dry-run=client --validate=strict: %.0f ms (median of 3)\n", k);
    std::printf("ratio: the console's validator is %.1fx kubectl's speed (it also runs %d policy rules)\n", k / ours,
                int(ruleCatalog().size()) - 7);
    return 0;
}
