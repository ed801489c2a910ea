// Promotions against lucent-sandbox with its real Prometheus: the six backend services released
// together through their analysis, and those that must fail: a standby whose metrics fail the
// analysis (-errors, -slow), a new colour that breaks during the monitor window, a Service
// edited by a teammate while the promotion runs, a failing smoke test, an abort at every step.
// Each runs with the Services' Endpoints sampled (never empty, never two colours) and the
// Services probed through the API server's service proxy (no failed request).

#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "scriptedserver.h"
#include "servicewatchers.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionplan.h"

#include <QDir>
#include <QtTest>

#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::InvariantSampler;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::ServiceProber;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

/// The fewest ready replicas a Deployment had while sampled every 200 ms.
class ReadySampler : public QObject
{
public:
    ReadySampler(Kube::KubeClient *client, QString deployment)
        : m_client(client)
        , m_deployment(std::move(deployment))
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto *reply = m_client->get(Kube::ResourceType::deployments(), Namespace, m_deployment);
            connect(reply, &Kube::KubeReply::finished, this, [this, reply] {
                if (reply->error().isError())
                    return;
                ++samples;
                minimum
                    = std::min(minimum, reply->json()[QLatin1String("status")][QLatin1String("readyReplicas")].toInt());
            });
        });
        m_timer.start(200);
    }
    int samples = 0;
    int minimum = std::numeric_limits<int>::max();

private:
    Kube::KubeClient *m_client;
    QString m_deployment;
    QTimer m_timer;
};

} // namespace

class TestPromotionFailures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void analysisRollsBackErrorsAndSlownessAndPassesAHealthyColour();
    void aReleaseOfSixServicesPassesItsAnalysisTogether();
    void aFaultInTheMonitorWindowRollsBackWithTheOldColourAtFullScale();
    void aServiceEditedDuringThePromotionStopsTheSwitchWithoutOverwritingIt();
    void anInconclusiveAnalysisPausesUntilAHumanDecides();
    void aFailingSmokeTestOnThePreviewRollsBackBeforeTheSwitch();
    void anAbortAtEveryStepRollsBack_data();
    void anAbortAtEveryStepRollsBack();
    void anAbortWhileTheOldColourGoesDownEndsAsItSays_data();
    void anAbortWhileTheOldColourGoesDownEndsAsItSays();

private:
    Release::PromotionPlan plan(const QList<Release::RequestedImage> &images) const;
    struct Watched {
        std::vector<std::unique_ptr<InvariantSampler>> samplers;
        std::vector<std::unique_ptr<ServiceProber>> probers;
    };
    Watched watch(const QStringList &services) const;
    /// Every sample held the invariant and every probe succeeded.
    static bool clean(const Watched &watched, QString *why);

    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
    std::unique_ptr<Kube::KubeClient> m_client;
    std::unique_ptr<Prometheus::PrometheusClient> m_prometheus;
};

void TestPromotionFailures::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    const auto project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    const auto *staging = project.environment(QStringLiteral("staging"));
    QVERIFY(staging && !staging->prometheusUrl.isEmpty());
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    m_prometheus = std::make_unique<Prometheus::PrometheusClient>(QUrl(staging->prometheusUrl));
}

// The functions start from whichever colour the one before left serving (plan() waits for it to
// roll out), but never from its Lease: an engine that a failed function left mid-run holds it
// until it expires, and every function after would be refused.
void TestPromotionFailures::cleanup()
{
    const auto r
        = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("delete"), QStringLiteral("lease"),
                             QStringLiteral("lucent-promotion"), QStringLiteral("--ignore-not-found")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
}

Release::PromotionPlan TestPromotionFailures::plan(const QList<Release::RequestedImage> &images) const
{
    const auto planNow = [&] {
        return Release::planPromotion({QStringLiteral("p-%1").arg(QDateTime::currentMSecsSinceEpoch()),
                                       QStringLiteral("staging"), Namespace, images},
                                      Lucent::Tests::listed(m_sandbox, Namespace, "services"),
                                      Lucent::Tests::listed(m_sandbox, Namespace, "deployments"));
    };
    // Each service's serving Deployment (whichever colour the tests before left serving) must
    // have finished rolling out before the plan is made on it; one that does not is a problem
    // of the plan, which fails the test.
    const Release::PromotionPlan first = planNow();
    if (!first.isValid())
        return first;
    QStringList notRolledOut;
    for (const Release::PlannedService &service : first.services) {
        if (!Lucent::Tests::rolledOut(m_sandbox, Namespace, service.activeDeployment))
            notRolledOut.append(
                QStringLiteral("deployment/%1 did not finish rolling out in 60 s").arg(service.activeDeployment));
    }
    Release::PromotionPlan planned = planNow(); // on what the roll-outs left
    planned.problems += notRolledOut;
    return planned;
}

TestPromotionFailures::Watched TestPromotionFailures::watch(const QStringList &services) const
{
    Watched watched;
    for (const QString &service : services) {
        watched.samplers.push_back(std::make_unique<InvariantSampler>(m_client.get(), Namespace, service));
        watched.probers.push_back(std::make_unique<ServiceProber>(m_client.get(), Namespace, service));
    }
    return watched;
}

bool TestPromotionFailures::clean(const Watched &watched, QString *why)
{
    // A promotion that ended at once still has its aftermath watched: a few samples and probes.
    const bool watchedEnough = QTest::qWaitFor(
        [&] {
            return std::all_of(watched.samplers.cbegin(), watched.samplers.cend(),
                               [](const auto &s) { return s->samples >= 3; })
                && std::all_of(watched.probers.cbegin(), watched.probers.cend(),
                               [](const auto &p) { return p->probes >= 3; });
        },
        10000);
    int probes = 0;
    for (const auto &sampler : watched.samplers)
        *why += sampler->violations.join(QLatin1Char('\n'));
    for (const auto &prober : watched.probers) {
        *why += prober->failures.join(QLatin1Char('\n'));
        probes += prober->probes;
    }
    if (!watchedEnough)
        *why += QStringLiteral("too few samples or probes in 10 s");
    qInfo("%d probes through the service proxy", probes);
    return why->isEmpty();
}

void TestPromotionFailures::analysisRollsBackErrorsAndSlownessAndPassesAHealthyColour()
{
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-3"));
    options.analysis = true;
    options.analysisInitialDelaySeconds = 15; // discovery and two scrapes of the new pods at 5 s
    options.analysisIntervalSeconds = 4;
    options.analysisCount = 3;
    const struct {
        const char *image;
        const char *failingMetric; ///< nullptr: passes
    } cases[] = {
        {"lucent/wallet-service:2.1.1-errors", "error-ratio"},
        {"lucent/wallet-service:2.1.2-slow", "p95-latency"},
        {"lucent/wallet-service:2.1.3", nullptr},
    };
    for (const auto &c : cases) {
        const auto planned = plan({{QStringLiteral("wallet-service"), QLatin1String(c.image), {}}});
        QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
        const Watched watched = watch({QStringLiteral("wallet-service")});
        Release::PromotionEngine engine(m_client.get(), planned, options);
        engine.setPrometheus(m_prometheus.get());
        const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
        const QString colour = Lucent::Tests::selectorColour(
            Lucent::Tests::fetched(m_sandbox, Namespace, "service", QStringLiteral("wallet-service")));
        if (c.failingMetric) {
            QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
            QVERIFY2(sentence.contains(QLatin1String(c.failingMetric)) && sentence.contains(QStringLiteral("failed")),
                     qPrintable(sentence));
            QCOMPARE(colour, planned.services.constFirst().activeColour);
            // What the failed colour said and measured is kept, though its pods are gone now.
            const Release::FailureEvidence &evidence = engine.evidence();
            QVERIFY2(evidence.measurements.join(QLatin1Char('\n')).contains(QLatin1String(c.failingMetric)),
                     qPrintable(evidence.summary()));
            QCOMPARE(evidence.colour, planned.services.constFirst().standbyColour);
            QCOMPARE(evidence.logs.size(), planned.services.constFirst().replicas);
            for (const Release::ContainerLog &log : evidence.logs)
                QVERIFY2(!log.lines.isEmpty() && log.pod.startsWith(planned.services.constFirst().standbyDeployment),
                         qPrintable(log.pod + log.problem));
            QVERIFY2(
                std::any_of(evidence.events.cbegin(), evidence.events.cend(),
                            [](const Release::EvidenceEvent &e) { return e.reason == QLatin1String("Scheduled"); }),
                qPrintable(evidence.text().left(3000)));
        } else {
            QVERIFY2(engine.evidence().isEmpty(), qPrintable(engine.evidence().summary()));
            QVERIFY2(outcome == Release::PromotionOutcome::Promoted, qPrintable(sentence));
            QCOMPARE(colour, planned.services.constFirst().standbyColour);
        }
        QString why;
        QVERIFY2(clean(watched, &why), qPrintable(why));
    }
}

// The seed's release: the six backend services at once, each measured by the real Prometheus
// before the switch and in the monitor window, switched together, the old colours at 0 after.
void TestPromotionFailures::aReleaseOfSixServicesPassesItsAnalysisTogether()
{
    QList<Release::RequestedImage> images;
    QStringList services;
    for (const char *service : {"user-service", "wallet-service", "play-service", "task-service", "portfolio-service",
                                "notification-service"}) {
        services.append(QLatin1String(service));
        images.append({QLatin1String(service), QStringLiteral("lucent/%1:8.0.0").arg(QLatin1String(service)), {}});
    }
    const auto planned = plan(images);
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const Watched watched = watch(services);
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@release-1"), 4);
    options.analysis = true;
    options.analysisInitialDelaySeconds = 15;
    options.analysisIntervalSeconds = 4;
    options.analysisCount = 2;
    Release::PromotionEngine engine(m_client.get(), planned, options);
    engine.setPrometheus(m_prometheus.get());
    QStringList progress;
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine, &progress);
    QVERIFY2(outcome == Release::PromotionOutcome::Promoted, qPrintable(sentence));
    QCOMPARE(progress.filter(QStringLiteral("request-rate")).filter(QStringLiteral("passed")).size() >= 6, true);
    for (const auto &service : planned.services) {
        QCOMPARE(
            Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
            service.standbyColour);
        QCOMPARE(Lucent::Tests::specReplicas(
                     Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.activeDeployment)),
                 0);
    }
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

// An application that breaks after the switch: one of the new colour's pods starts failing its
// readiness probe during the monitor window. The engine rolls back on its own; the old colour
// kept its full size throughout, so it takes the traffic back at once.
void TestPromotionFailures::aFaultInTheMonitorWindowRollsBackWithTheOldColourAtFullScale()
{
    const auto planned = plan({{QStringLiteral("play-service"), QStringLiteral("lucent/play-service:1.4.0"), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    const Watched watched = watch({service.service});
    const ReadySampler oldColour(m_client.get(), service.activeDeployment);
    QString faulted;
    bool annotated = false;
    Release::PromotionEngine engine(m_client.get(), planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-5"), 60));
    connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&](Release::PromotionStep step) {
        if (step != Release::PromotionStep::Monitoring)
            return;
        for (const QJsonObject &pod : Lucent::Tests::listed(m_sandbox, Namespace, "pods")) {
            const QJsonObject labels = pod[QLatin1String("metadata")][QLatin1String("labels")].toObject();
            if (labels[QLatin1String("app")] == service.service
                && labels[QLatin1String("color")] == service.standbyColour) {
                faulted = pod[QLatin1String("metadata")][QLatin1String("name")].toString();
                break;
            }
        }
        annotated = !faulted.isEmpty()
            && m_sandbox
                    .kubectl(QStringList{QStringLiteral("-n"), Namespace, QStringLiteral("annotate"),
                                         QStringLiteral("pod"), faulted,
                                         QStringLiteral("lucent-sandbox/fault=unready")})
                    .exitCode
                == 0;
    });
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    QVERIFY2(!faulted.isEmpty(), "no pod of the new colour to break");
    QVERIFY2(annotated, qPrintable(QStringLiteral("kubectl annotate pod %1 failed").arg(faulted)));
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("during the monitor window")), qPrintable(sentence));
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             service.activeColour);
    QVERIFY(oldColour.samples > 3);
    QCOMPARE(oldColour.minimum, service.replicas); // never below full size, from the start to the end
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment)),
             0);
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

// A release of two services; while the standby is checked, a teammate edits the second Service.
// The first switches, the second's precondition refuses (its edit is kept, never overwritten),
// and the first is switched back: all or none.
void TestPromotionFailures::aServiceEditedDuringThePromotionStopsTheSwitchWithoutOverwritingIt()
{
    const auto planned
        = plan({{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:1.1.0"), {}},
                {QStringLiteral("portfolio-service"), QStringLiteral("lucent/portfolio-service:2.0.0"), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const Watched watched = watch({QStringLiteral("task-service"), QStringLiteral("portfolio-service")});
    Release::PromotionEngine engine(m_client.get(), planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-6")));
    bool edited = false;
    connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&](Release::PromotionStep step) {
        if (step != Release::PromotionStep::CheckingHealth || edited)
            return;
        edited = m_sandbox
                     .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "annotate", "service", "portfolio-service",
                                                   "team/note=edited during the promotion"}))
                     .exitCode
            == 0;
    });
    QStringList progress;
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine, &progress);
    QVERIFY(edited);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("changed after the plan read it")), qPrintable(sentence));
    const QString all = progress.join(QLatin1Char('\n'));
    QVERIFY2(all.contains(QStringLiteral("service/task-service switched from")), qPrintable(all));
    for (const auto &service : planned.services) {
        const QJsonObject live = Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service);
        QCOMPARE(Lucent::Tests::selectorColour(live), service.activeColour);
        QCOMPARE(Lucent::Tests::specReplicas(
                     Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment)),
                 0);
    }
    const QJsonObject portfolio
        = Lucent::Tests::fetched(m_sandbox, Namespace, "service", QStringLiteral("portfolio-service"));
    QCOMPARE(portfolio[QLatin1String("metadata")][QLatin1String("annotations")][QLatin1String("team/note")].toString(),
             QStringLiteral("edited during the promotion"));
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

// No data about the new colour (a Prometheus that knows no series of it): with pause on
// inconclusive, the promotion stops before the switch and waits, standby up, lock released, the
// journal saying why; a human then resumes it from the journal, and it switches.
void TestPromotionFailures::anInconclusiveAnalysisPausesUntilAHumanDecides()
{
    const auto planned
        = plan({{QStringLiteral("notification-service"), QStringLiteral("lucent/notification-service:3.0.0"), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    Lucent::Tests::ScriptedServer silent;
    silent.script = QList<Lucent::Tests::ScriptedServer::Response>(
        40, {200, R"({"status":"success","data":{"resultType":"vector","result":[]}})", {}, 0});
    Prometheus::PrometheusClient prometheus(silent.url());
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-7"));
    options.analysis = true;
    options.pauseOnInconclusive = true;
    options.analysisInitialDelaySeconds = 0;
    options.analysisIntervalSeconds = 1;
    options.analysisCount = 2;
    const Watched watched = watch({service.service});
    Release::PromotionEngine engine(m_client.get(), planned, options);
    engine.setPrometheus(&prometheus);
    auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::Paused, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("inconclusive")) && sentence.contains(QStringLiteral("promotion resume")),
             qPrintable(sentence));
    const QJsonObject lease = Lucent::Tests::fetched(m_sandbox, Namespace, "lease", QStringLiteral("lucent-promotion"));
    const auto journal = Release::PromotionJournal::fromLease(lease);
    QVERIFY(!journal.paused.isEmpty());
    QVERIFY(!journal.isFinished());
    QCOMPARE(lease[QLatin1String("spec")][QLatin1String("holderIdentity")].toString(), QString());
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             service.activeColour);
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment)),
             service.replicas); // the standby stays up for the decision

    // The human goes on: resumed from the journal, the analysis is not asked again.
    QList<bool> switched;
    const auto resumed
        = Release::resumePlan(journal, Namespace, Lucent::Tests::listed(m_sandbox, Namespace, "services"),
                              Lucent::Tests::listed(m_sandbox, Namespace, "deployments"), &switched);
    QVERIFY2(resumed.isValid(), qPrintable(resumed.problems.join(QLatin1Char('\n'))));
    QCOMPARE(switched, QList<bool>{false});
    Release::PromotionEngine decided(m_client.get(), resumed,
                                     Lucent::Tests::quickPromotionOptions(QStringLiteral("ops@desk-1")));
    std::tie(outcome, sentence) = Lucent::Tests::runPromotion(decided, nullptr, [&] { decided.resume(journal); });
    QVERIFY2(outcome == Release::PromotionOutcome::Promoted, qPrintable(sentence));
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             service.standbyColour);
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

// The project's smoke test, run without a shell against the preview Service before the switch,
// fails: the promotion rolls back before any Service changes, and the preview goes away.
void TestPromotionFailures::aFailingSmokeTestOnThePreviewRollsBackBeforeTheSwitch()
{
    const auto planned = plan({{QStringLiteral("user-service"), QStringLiteral("lucent/user-service:1.9.0"), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    const Watched watched = watch({service.service});
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-8"));
    options.preview = true;
    options.smokeTest = {QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("echo \"checking $LUCENT_TARGET_SERVICE ($LUCENT_PHASE, $LUCENT_COLOUR)\"; "
                                        "exit 3")};
    options.smokeTestDirectory = QDir::tempPath();
    bool previewSelectedStandby = false;
    Release::PromotionEngine engine(m_client.get(), planned, options);
    connect(&engine, &Release::PromotionEngine::progress, &engine, [&](const QString &line) {
        if (!line.startsWith(QStringLiteral("Running the smoke test against the previews")))
            return;
        const QJsonObject preview
            = Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service + QStringLiteral("-preview"));
        previewSelectedStandby = Lucent::Tests::selectorColour(preview) == service.standbyColour;
    });
    QStringList progress;
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine, &progress);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("failed with exit code 3")), qPrintable(sentence));
    QVERIFY(previewSelectedStandby);
    const QString all = progress.join(QLatin1Char('\n'));
    QVERIFY2(all.contains(QStringLiteral("checking user-service-preview (preview, %1)").arg(service.standbyColour)),
             qPrintable(all));
    QVERIFY(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service + QStringLiteral("-preview"))
                .isEmpty());
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             service.activeColour);
    const auto journal = Release::PromotionJournal::fromLease(
        Lucent::Tests::fetched(m_sandbox, Namespace, "lease", QStringLiteral("lucent-promotion")));
    QVERIFY2(journal.smoke.contains(QStringLiteral("exit code 3")), qPrintable(journal.smoke));
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

void TestPromotionFailures::anAbortAtEveryStepRollsBack_data()
{
    QTest::addColumn<Release::PromotionStep>("step");
    for (const Release::PromotionStep step :
         {Release::PromotionStep::CheckingAccess, Release::PromotionStep::Locking, Release::PromotionStep::Deploying,
          Release::PromotionStep::WaitingReady, Release::PromotionStep::CheckingHealth,
          Release::PromotionStep::Switching, Release::PromotionStep::Monitoring, Release::PromotionStep::ScalingDown})
        QTest::addRow("%s", qPrintable(Release::promotionStepName(step))) << step;
}

// Abort (Ctrl+C in the CLI, the wizard's Abort) the moment each step starts: every time the
// release ends rolled back, the old colour serving at full size, the new one at 0.
void TestPromotionFailures::anAbortAtEveryStepRollsBack()
{
    QFETCH(Release::PromotionStep, step);
    static int version = 0;
    const auto planned
        = plan({{QStringLiteral("api-gateway"), QStringLiteral("lucent/api-gateway:5.%1.0").arg(++version), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    const Watched watched = watch({service.service});
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-9"));
    options.scaleDownDelaySeconds = 5; // the abort lands before the old colour goes
    Release::PromotionEngine engine(m_client.get(), planned, options);
    bool aborted = false;
    connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&](Release::PromotionStep now) {
        if (now == step && !aborted) {
            aborted = true;
            engine.abort(QStringLiteral("Aborted by the test at %1.").arg(Release::promotionStepName(step)));
        }
    });
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    QVERIFY(aborted);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("Aborted by the test")), qPrintable(sentence));
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             service.activeColour);
    const QJsonObject active = Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.activeDeployment);
    QCOMPARE(Lucent::Tests::specReplicas(active), service.replicas);
    const QJsonObject standby = Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment);
    QVERIFY(standby.isEmpty() || Lucent::Tests::specReplicas(standby) == 0);
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

void TestPromotionFailures::anAbortWhileTheOldColourGoesDownEndsAsItSays_data()
{
    QTest::addColumn<int>("delayMs");
    for (int delay : {0, 15, 40, 90})
        QTest::addRow("%d ms into the scale-down", delay) << delay;
}

// An abort that lands while the old colour's scale-down is in flight (the delays spread it
// before, during and after the write): the promotion must end as it says. Before, the
// scale-down's answer completed the promotion ("Promoted") after a rollback had begun, which
// then brought the old colour back. Rolled back: the old colour serves at full size, the new is
// at 0; promoted (the abort came after the write was answered): the reverse.
void TestPromotionFailures::anAbortWhileTheOldColourGoesDownEndsAsItSays()
{
    QFETCH(int, delayMs);
    static int version = 0;
    const auto planned
        = plan({{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:5.%1.0").arg(++version), {}}});
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    const Watched watched = watch({service.service});
    auto options = Lucent::Tests::quickPromotionOptions(QStringLiteral("ci@runner-9"), 1);
    options.scaleDownDelaySeconds = 0;
    Release::PromotionEngine engine(m_client.get(), planned, options);
    connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&](Release::PromotionStep now) {
        if (now == Release::PromotionStep::ScalingDown)
            QTimer::singleShot(delayMs, &engine, [&engine] { engine.abort(QStringLiteral("Aborted by the test.")); });
    });
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack || outcome == Release::PromotionOutcome::Promoted,
             qPrintable(sentence));
    const bool promoted = outcome == Release::PromotionOutcome::Promoted;
    qInfo("%s", promoted ? "promoted: the abort came after the scale-down" : "rolled back");
    const QString serving = promoted ? service.standbyDeployment : service.activeDeployment;
    const QString other = promoted ? service.activeDeployment : service.standbyDeployment;
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service.service)),
             promoted ? service.standbyColour : service.activeColour);
    QVERIFY2(Lucent::Tests::rolledOut(m_sandbox, Namespace, serving), qPrintable(serving));
    QCOMPARE(Lucent::Tests::specReplicas(Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", serving)),
             service.replicas);
    QCOMPARE(Lucent::Tests::specReplicas(Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", other)), 0);
    const auto journal = Release::PromotionJournal::fromLease(
        Lucent::Tests::fetched(m_sandbox, Namespace, "lease", QStringLiteral("lucent-promotion")));
    QCOMPARE(journal.outcome, promoted ? QStringLiteral("promoted") : QStringLiteral("rolled-back"));
    QString why;
    QVERIFY2(clean(watched, &why), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestPromotionFailures)
#include "tst_promotionfailures.moc"
