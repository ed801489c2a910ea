#include "core/release/promotionjournal.h"

#include "core/bounds/filebounds.h"

#include "core/logging/logging.h"
#include "core/release/promotionlock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThreadPool>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace Lucent::Core::Release {

namespace {

const QLatin1String IdKey("lucent.com/promotion-id");
const QLatin1String EnvironmentKey("lucent.com/promotion-environment");
const QLatin1String StepKey("lucent.com/promotion-step");
const QLatin1String SwitchedKey("lucent.com/promotion-switched");
const QLatin1String OutcomeKey("lucent.com/promotion-outcome");
const QLatin1String MessageKey("lucent.com/promotion-message");
const QLatin1String UpdatedKey("lucent.com/promotion-updated");
const QLatin1String PausedKey("lucent.com/promotion-paused");
const QLatin1String StartedKey("lucent.com/promotion-started");
const QLatin1String ByKey("lucent.com/promotion-by");
const QLatin1String SmokeKey("lucent.com/promotion-smoke");
const QLatin1String EvidenceKey("lucent.com/promotion-evidence");
const QLatin1String PlanKey("lucent.com/promotion-plan");
const QLatin1String OptionsKey("lucent.com/promotion-options");
const QLatin1String IntentKey("lucent.com/promotion-intent");

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

const std::pair<PromotionStep, const char *> StepNames[] = {
    {PromotionStep::CheckingAccess, "access"},  {PromotionStep::Locking, "lock"},
    {PromotionStep::Deploying, "deploy"},       {PromotionStep::WaitingReady, "ready"},
    {PromotionStep::CheckingHealth, "health"},  {PromotionStep::Analysing, "analysis"},
    {PromotionStep::Switching, "switch"},       {PromotionStep::Monitoring, "monitor"},
    {PromotionStep::ScalingDown, "scale-down"}, {PromotionStep::Done, "done"},
    {PromotionStep::RollingBack, "rollback"},
};

QJsonArray servicesJson(const QList<JournalService> &services)
{
    QJsonArray array;
    for (const JournalService &s : services)
        array.append(QJsonObject{{QStringLiteral("service"), s.service},
                                 {QStringLiteral("from"), s.from},
                                 {QStringLiteral("to"), s.to},
                                 {QStringLiteral("active"), s.active},
                                 {QStringLiteral("standby"), s.standby},
                                 {QStringLiteral("container"), s.container},
                                 {QStringLiteral("image"), s.image},
                                 {QStringLiteral("replicas"), s.replicas}});
    return array;
}

QList<JournalService> servicesFrom(const QJsonArray &array)
{
    QList<JournalService> services;
    for (const auto &value : array) {
        const QJsonObject o = value.toObject();
        const auto text = [&o](const char *key) { return o.value(QLatin1String(key)).toString(); };
        services.append({text("service"), text("from"), text("to"), text("active"), text("standby"), text("container"),
                         text("image"), o.value(QLatin1String("replicas")).toInt()});
    }
    return services;
}

QThreadPool &journalWriter()
{
    // One thread: the files are written in the order the journal changed.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(1);
        p->setExpiryTimeout(-1);
        return p;
    }();
    return *pool;
}

QString fileName(const PromotionJournal &journal)
{
    QString name = journal.environment + QLatin1Char('-') + journal.promotionId;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    return name + QStringLiteral(".json");
}

} // namespace

QString promotionStepName(PromotionStep step)
{
    for (const auto &[value, name] : StepNames) {
        if (value == step)
            return QLatin1String(name);
    }
    return {};
}

std::optional<PromotionStep> promotionStepFromName(const QString &name)
{
    for (const auto &[value, text] : StepNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

bool PromotionJournal::isFinished() const
{
    // Even at step "done", a promotion without an outcome died while it annotated, removed its
    // previews or released the lock: resume finishes that.
    return outcome == QLatin1String("promoted") || outcome == QLatin1String("rolled-back");
}

QString PromotionJournal::describe() const
{
    return QCoreApplication::translate("Lucent::Core::Release::PromotionJournal",
                                       "promotion %1 (step %2, %3 of %4 Services switched)")
        .arg(promotionId, step)
        .arg(switched)
        .arg(services.size());
}

QString PromotionJournal::duration() const
{
    const QDateTime from = QDateTime::fromString(started, Qt::ISODateWithMs);
    const QDateTime to = QDateTime::fromString(updated, Qt::ISODateWithMs);
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    const qint64 seconds = from.secsTo(to);
    return seconds < 60 ? QStringLiteral("%1 s").arg(seconds)
                        : QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
}

QString PromotionIntent::describe() const
{
    if (rollsBack())
        return QCoreApplication::translate("Lucent::Core::Release::PromotionIntent", "roll back: %1").arg(reason);
    if (monitored)
        return QCoreApplication::translate("Lucent::Core::Release::PromotionIntent", "promote, verified and monitored");
    if (verified)
        return QCoreApplication::translate("Lucent::Core::Release::PromotionIntent", "promote, verified");
    return QCoreApplication::translate("Lucent::Core::Release::PromotionIntent", "promote");
}

QJsonObject PromotionIntent::toJson() const
{
    QJsonObject json{{QStringLiteral("goal"), rollsBack() ? QStringLiteral("roll-back") : QStringLiteral("promote")},
                     {QStringLiteral("verified"), verified},
                     {QStringLiteral("monitored"), monitored}};
    if (!reason.isEmpty())
        json.insert(QStringLiteral("reason"), reason);
    return json;
}

PromotionIntent PromotionIntent::fromJson(const QJsonObject &json, const QString &step)
{
    PromotionIntent intent;
    if (json.isEmpty()) {
        // Written before intents were journalled: the step says as much.
        const PromotionStep at = promotionStepFromName(step).value_or(PromotionStep::Deploying);
        intent.goal = at == PromotionStep::RollingBack ? Goal::RollBack : Goal::Promote;
        intent.verified = at >= PromotionStep::Switching && at != PromotionStep::RollingBack;
        intent.monitored = at >= PromotionStep::ScalingDown && at != PromotionStep::RollingBack;
        return intent;
    }
    intent.goal
        = json.value(QLatin1String("goal")).toString() == QLatin1String("roll-back") ? Goal::RollBack : Goal::Promote;
    intent.verified = json.value(QLatin1String("verified")).toBool();
    intent.monitored = intent.verified && json.value(QLatin1String("monitored")).toBool();
    intent.reason = json.value(QLatin1String("reason")).toString();
    return intent;
}

QJsonObject JournalOptions::toJson() const
{
    if (!known)
        return {};
    return {{QStringLiteral("analysis"), analysis},
            {QStringLiteral("preview"), preview},
            {QStringLiteral("pauseOnInconclusive"), pauseOnInconclusive},
            {QStringLiteral("monitorSeconds"), monitorSeconds},
            {QStringLiteral("scaleDownDelaySeconds"), scaleDownDelaySeconds}};
}

JournalOptions JournalOptions::fromJson(const QJsonObject &json)
{
    JournalOptions options;
    if (json.isEmpty())
        return options;
    options.known = true;
    options.analysis = json.value(QLatin1String("analysis")).toBool(true);
    options.preview = json.value(QLatin1String("preview")).toBool();
    options.pauseOnInconclusive = json.value(QLatin1String("pauseOnInconclusive")).toBool();
    options.monitorSeconds = std::max(0, json.value(QLatin1String("monitorSeconds")).toInt(60));
    options.scaleDownDelaySeconds = std::max(0, json.value(QLatin1String("scaleDownDelaySeconds")).toInt(30));
    return options;
}

QJsonObject PromotionJournal::annotations() const
{
    QJsonObject a{{IdKey, promotionId},
                  {EnvironmentKey, environment},
                  {StepKey, step},
                  {SwitchedKey, QString::number(switched)},
                  {UpdatedKey, updated},
                  {StartedKey, started},
                  {ByKey, by},
                  {IntentKey, compactJson(intent.toJson())},
                  {PlanKey, QString::fromUtf8(QJsonDocument(servicesJson(services)).toJson(QJsonDocument::Compact))}};
    if (!outcome.isEmpty()) {
        a.insert(OutcomeKey, outcome);
        a.insert(MessageKey, message);
    }
    if (!paused.isEmpty())
        a.insert(PausedKey, paused);
    if (!smoke.isEmpty())
        a.insert(SmokeKey, smoke);
    // The summary only: a Lease's annotations are small, and the logs are the local record's.
    if (!evidence.isEmpty())
        a.insert(EvidenceKey, evidence.summary());
    if (options.known)
        a.insert(OptionsKey, QString::fromUtf8(QJsonDocument(options.toJson()).toJson(QJsonDocument::Compact)));
    return a;
}

QJsonObject PromotionJournal::toJson() const
{
    // Every field fromJson() reads: a paused promotion's decision and the smoke output survive
    // the local file and `promotion status --output json`.
    return {{QStringLiteral("promotionId"), promotionId},
            {QStringLiteral("environment"), environment},
            {QStringLiteral("step"), step},
            {QStringLiteral("switched"), switched},
            {QStringLiteral("intent"), intent.toJson()},
            {QStringLiteral("outcome"), outcome},
            {QStringLiteral("message"), message},
            {QStringLiteral("updated"), updated},
            {QStringLiteral("started"), started},
            {QStringLiteral("by"), by},
            {QStringLiteral("paused"), paused},
            {QStringLiteral("smoke"), smoke},
            {QStringLiteral("evidenceSummary"), evidenceSummary()},
            {QStringLiteral("evidence"), evidence.isEmpty() ? QJsonValue() : QJsonValue(evidence.toJson())},
            {QStringLiteral("options"), options.toJson()},
            {QStringLiteral("services"), servicesJson(services)}};
}

PromotionJournal PromotionJournal::fromAnnotations(const QJsonObject &a)
{
    PromotionJournal journal;
    journal.promotionId = a.value(IdKey).toString();
    journal.environment = a.value(EnvironmentKey).toString();
    journal.step = a.value(StepKey).toString();
    journal.switched = a.value(SwitchedKey).toString().toInt();
    journal.outcome = a.value(OutcomeKey).toString();
    journal.message = a.value(MessageKey).toString();
    journal.updated = a.value(UpdatedKey).toString();
    journal.started = a.value(StartedKey).toString();
    journal.by = a.value(ByKey).toString();
    journal.paused = a.value(PausedKey).toString();
    journal.smoke = a.value(SmokeKey).toString();
    journal.evidenceNote = a.value(EvidenceKey).toString();
    journal.options
        = JournalOptions::fromJson(QJsonDocument::fromJson(a.value(OptionsKey).toString().toUtf8()).object());
    journal.services = servicesFrom(QJsonDocument::fromJson(a.value(PlanKey).toString().toUtf8()).array());
    journal.intent = PromotionIntent::fromJson(QJsonDocument::fromJson(a.value(IntentKey).toString().toUtf8()).object(),
                                               journal.step);
    return journal;
}

PromotionJournal PromotionJournal::fromLease(const QJsonObject &lease)
{
    return fromAnnotations(
        lease.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject());
}

PromotionJournal PromotionJournal::fromJson(const QJsonObject &json)
{
    PromotionJournal journal;
    journal.promotionId = json.value(QLatin1String("promotionId")).toString();
    journal.environment = json.value(QLatin1String("environment")).toString();
    journal.step = json.value(QLatin1String("step")).toString();
    journal.switched = json.value(QLatin1String("switched")).toInt();
    journal.outcome = json.value(QLatin1String("outcome")).toString();
    journal.message = json.value(QLatin1String("message")).toString();
    journal.updated = json.value(QLatin1String("updated")).toString();
    journal.started = json.value(QLatin1String("started")).toString();
    journal.by = json.value(QLatin1String("by")).toString();
    journal.paused = json.value(QLatin1String("paused")).toString();
    journal.smoke = json.value(QLatin1String("smoke")).toString();
    journal.evidence = FailureEvidence::fromJson(json.value(QLatin1String("evidence")).toObject());
    journal.evidenceNote = json.value(QLatin1String("evidenceSummary")).toString();
    journal.options = JournalOptions::fromJson(json.value(QLatin1String("options")).toObject());
    journal.services = servicesFrom(json.value(QLatin1String("services")).toArray());
    journal.intent = PromotionIntent::fromJson(json.value(QLatin1String("intent")).toObject(), journal.step);
    return journal;
}

bool PromotionActivity::involves(const QString &service) const
{
    if (state == State::None)
        return false;
    return std::any_of(journal.services.cbegin(), journal.services.cend(),
                       [&service](const JournalService &s) { return s.service == service; });
}

QString PromotionActivity::shortText() const
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("Lucent::Core::Release::PromotionActivity", text);
    };
    switch (state) {
    case State::None: return {};
    case State::Running: return journal.step;
    case State::Paused: return tr("paused");
    case State::Interrupted: return tr("interrupted at %1").arg(journal.step);
    }
    return {};
}

QString PromotionActivity::stateName(State state)
{
    switch (state) {
    case State::None: return QStringLiteral("none");
    case State::Running: return QStringLiteral("running");
    case State::Paused: return QStringLiteral("paused");
    case State::Interrupted: return QStringLiteral("interrupted");
    }
    return {};
}

PromotionActivity promotionActivity(const QJsonObject &lease, const QDateTime &now)
{
    PromotionActivity activity;
    activity.journal = PromotionJournal::fromLease(lease);
    const LeaseHolder holder = LeaseHolder::of(lease);
    activity.holder = holder.identity.isEmpty() ? QString() : holder.describe();
    if (activity.journal.isEmpty())
        return activity;
    const bool live = !holder.identity.isEmpty() && !holder.isExpired(now) && !holderProcessIsGone(lease);
    if (live)
        activity.state = PromotionActivity::State::Running;
    else if (!activity.journal.paused.isEmpty())
        activity.state = PromotionActivity::State::Paused;
    else if (!activity.journal.isFinished())
        activity.state = PromotionActivity::State::Interrupted;
    return activity;
}

PromotionPlan resumePlan(const PromotionJournal &journal, const QString &namespaceName,
                         const QList<QJsonObject> &services, const QList<QJsonObject> &deployments,
                         QList<bool> *switched)
{
    PromotionRequest request{journal.promotionId, journal.environment, namespaceName, {}};
    QList<QJsonObject> asAgreed; // each Service as the promotion found it: selecting "from"
    switched->clear();
    for (const JournalService &js : journal.services) {
        request.images.append({js.service, js.image, js.container});
        bool onNew = false;
        for (QJsonObject service : services) {
            if (service.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString()
                != js.service)
                continue;
            QJsonObject spec = service.value(QLatin1String("spec")).toObject();
            QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
            onNew = selector.value(QLatin1String("color")).toString() == js.to;
            selector.insert(QLatin1String("color"), js.from);
            spec.insert(QLatin1String("selector"), selector);
            service.insert(QLatin1String("spec"), spec);
            asAgreed.append(service);
        }
        switched->append(onNew);
    }
    PromotionPlan plan = planPromotion(request, asAgreed, deployments);
    for (PlannedService &planned : plan.services) {
        for (const JournalService &js : journal.services) {
            if (js.service != planned.service || js.replicas <= 0)
                continue;
            planned.replicas = js.replicas;
            QJsonObject spec = planned.standby.value(QLatin1String("spec")).toObject();
            spec.insert(QLatin1String("replicas"), js.replicas);
            planned.standby.insert(QLatin1String("spec"), spec);
        }
    }
    return plan;
}

QString promotionJournalDirectory()
{
    return Logging::stateDirectory() + QStringLiteral("/promotions");
}

void writePromotionJournalFile(const PromotionJournal &journal, const QString &directory)
{
    const QByteArray bytes = QJsonDocument(journal.toJson()).toJson();
    const QString path = directory + QLatin1Char('/') + fileName(journal);
    journalWriter().start([directory, path, bytes] {
        QSaveFile file(path);
        if (!QDir().mkpath(directory) || !file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()
            || !file.commit())
            spdlog::warn("The promotion journal file {} could not be written: {}", path.toStdString(),
                         file.errorString().toStdString());
    });
}

void flushPromotionJournalFiles()
{
    journalWriter().waitForDone();
}

QList<PromotionJournal> readPromotionHistory(const QString &directory, const QString &environment)
{
    QList<PromotionJournal> history;
    const QDir dir(directory);
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        QString unreadable; // a journal that cannot be read is no part of the history
        const auto text = FileBounds::read(dir.filePath(name), FileBounds::MaxDocumentBytes, &unreadable);
        if (!text)
            continue;
        const PromotionJournal journal = PromotionJournal::fromJson(QJsonDocument::fromJson(*text).object());
        if (!journal.isEmpty() && journal.environment == environment)
            history.append(journal);
    }
    std::sort(history.begin(), history.end(), [](const PromotionJournal &a, const PromotionJournal &b) {
        return a.updated == b.updated ? a.promotionId > b.promotionId : a.updated > b.updated;
    });
    return history;
}

} // namespace Lucent::Core::Release
