#pragma once

// The sandbox as the real kubectl sees it: every verb a release engineer uses, checked by
// parsing kubectl's JSON output. One test executable, two files: tst_sandbox_kubectl.cpp for
// reads, writes, rollouts, watches and logs, tst_sandbox_kubectl_clients.cpp for what kubectl's
// typed commands, exec, port-forward, top and server-side apply need.

#include "sandboxprocess.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <memory>

using Lucent::Tests::CommandResult;
using Lucent::Tests::SandboxProcess;

class TestSandboxKubectl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void discovery();
    void getAndListWithSelectors_data();
    void getAndListWithSelectors();
    void chunkedList();
    void fieldSelectorsPerKind();
    void manifestsLoadAsKustomizeRendersThem_data();
    void manifestsLoadAsKustomizeRendersThem();
    void applyClientSide();
    void patchMergeJsonStrategic();
    void scale();
    void rolloutToHealthyTagCompletes();
    void rolloutToCrashTagExceedsDeadline();
    void rolloutUndoRestartPauseResume();
    void recreateStrategyAndStatefulSetUpdate();
    void deleteCollectsGarbage();
    void watchReportsChanges();
    void watchResumesFromResourceVersion();
    void conflictOnStaleUpdate();
    void dryRunChangesNothing();
    void errorsAreStatusObjects();
    void unknownFieldsAndWrongTypes();
    void logsWithOptions();
    void logsFollowStreams();
    void logsOfCrashLoopingPodAndPrevious();
    void proxyHealthAndMetrics();
    void behaviourTagsShowInMetrics_data();
    void behaviourTagsShowInMetrics();
    void typedCreatesTravelAsProtobuf();
    void authCanIAnswersPerUser();
    void oldestAndNewestKubectl_data();
    void oldestAndNewestKubectl();
    void topFollowsTheWorkload();
    void endpointSlicesFollowTheEndpoints();
    void execRunsTheSimulatedCommands();
    void execReadsMountsAndStdin();
    void serverSideApplyOwnsRemovesAndDiffs();
    void serverSideApplyConflictNamesTheOtherManager();
    void portForwardReachesTheSimulatedService();

private:
    /// Starts `kubectl port-forward TARGET :PORT` (a free local port); the local port once kubectl
    /// says it forwards, or 0.
    int startPortForward(const QStringList &target, std::unique_ptr<QProcess> &process, const QString &program = {});
    CommandResult kubectl(const QStringList &args, const QByteArray &input = {}) const
    {
        return m_sandbox.kubectl(args, 90000, input);
    }
    QJsonObject getJson(const QStringList &args) const;
    CommandResult curl(const QString &url) const;
    /// The names kubectl lists, sorted; when kubectl fails, one entry that says so.
    QStringList names(const QStringList &args) const;

    SandboxProcess m_sandbox{
        {QStringLiteral("--speed"), QStringLiteral("20"), QStringLiteral("--seed"), QStringLiteral("7")}};
};

inline QStringList S(std::initializer_list<const char *> items)
{
    return Lucent::Tests::args(items);
}
