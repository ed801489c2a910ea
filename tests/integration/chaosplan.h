#pragma once

// What one round of the promotion chaos run does, drawn from the round's seed alone: so a round
// that broke the invariant is repeated with `scripts/dev.sh chaos 1 SEED`, whatever rounds ran
// before it.

#include <QRandomGenerator>
#include <QString>
#include <QStringList>

namespace Lucent::Tests {

/// What is done to the promotion while it runs (at `atMs` after it starts).
enum class Disruption {
    None,
    Kill, ///< SIGKILL, then a recovery
    Interrupt, ///< SIGINT: the console rolls back by itself
    Stall, ///< SIGSTOP until its Lease expires, a second console recovers, then SIGCONT
    PodUnready, ///< one pod of the release made unready for a while (either colour)
    PodDeleted, ///< one pod of the release deleted (a crash; its ReplicaSet makes another)
    ServiceEdited, ///< a Service annotated by hand: its resourceVersion moves under the engine
    SandboxRestarted, ///< the cluster goes away and comes back empty-handed (a fresh sandbox)
};

/// How an interrupted promotion is finished, and what happens to that.
enum class Recovery {
    Resume,
    Abort,
    ResumeInterrupted, ///< `resume`, SIGINT at recoveryAtMs (it rolls back)
    ResumeKilled, ///< `resume`, SIGKILL at recoveryAtMs, then `abort`
};

struct ChaosRound {
    quint64 seed = 0;
    QStringList services;
    bool rollback = false; ///< `lucent-console rollback` (after a promotion, when one is needed)
    QStringList images; ///< promote only: service=image, some made to crash or stay unready
    Disruption disruption = Disruption::None;
    int atMs = 0;
    Recovery recovery = Recovery::Resume;
    int recoveryAtMs = 0;
    int faultMs = 0; ///< how long a pod stays unready

    static ChaosRound draw(quint64 seed, const QStringList &pool)
    {
        QRandomGenerator random(seed);
        ChaosRound round;
        round.seed = seed;
        QStringList left = pool;
        const int count = 1 + int(random.bounded(3));
        while (round.services.size() < count && !left.isEmpty())
            round.services.append(left.takeAt(int(random.bounded(int(left.size())))));
        round.rollback = random.bounded(4) == 0;
        for (const QString &service : std::as_const(round.services)) {
            const int kind = int(random.bounded(10));
            const char *suffix = kind < 6 ? "" : kind < 8 ? "-crash" : kind < 9 ? "-unready" : "-errors";
            round.images.append(
                QStringLiteral("%1=lucent/%1:7.%2.0%3").arg(service).arg(seed % 100000).arg(QLatin1String(suffix)));
        }
        const int pick = int(random.bounded(100));
        round.disruption = pick < 8 ? Disruption::None
            : pick < 40             ? Disruption::Kill
            : pick < 52             ? Disruption::Interrupt
            : pick < 66             ? Disruption::Stall
            : pick < 78             ? Disruption::PodUnready
            : pick < 88             ? Disruption::PodDeleted
            : pick < 96             ? Disruption::ServiceEdited
                                    : Disruption::SandboxRestarted;
        round.atMs = int(random.bounded(5000));
        round.recovery = static_cast<Recovery>(random.bounded(4));
        round.recoveryAtMs = int(random.bounded(3000));
        round.faultMs = 300 + int(random.bounded(2500));
        return round;
    }

    QString describe() const
    {
        static const char *const disruptions[] = {"none",
                                                  "SIGKILL",
                                                  "SIGINT",
                                                  "SIGSTOP past the lease",
                                                  "a pod unready",
                                                  "a pod deleted",
                                                  "a Service edited by hand",
                                                  "the sandbox restarted"};
        static const char *const recoveries[]
            = {"resume", "abort", "resume, SIGINT during it", "resume, SIGKILL during it, then abort"};
        QString text = QStringLiteral("seed %1: %2 %3; %4 at %5 ms")
                           .arg(seed)
                           .arg(rollback ? QStringLiteral("roll back") : QStringLiteral("promote"),
                                rollback ? services.join(QLatin1Char(',')) : images.join(QLatin1Char(',')),
                                QLatin1String(disruptions[int(disruption)]))
                           .arg(atMs);
        if (disruption == Disruption::Kill || disruption == Disruption::Stall)
            text += QStringLiteral(", then %1 (%2 ms)").arg(QLatin1String(recoveries[int(recovery)])).arg(recoveryAtMs);
        return text;
    }
};

} // namespace Lucent::Tests
