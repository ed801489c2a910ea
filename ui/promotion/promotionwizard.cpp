#include "ui/promotion/promotionwizard.h"

#include "core/audit/auditlog.h"
#include "core/audit/audittrail.h"
#include "core/environment/environmentsession.h"
#include "core/kube/kubeclient.h"
#include "core/kube/resourcecache.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/projectpromotion.h"
#include "core/release/promotionjournal.h"
#include "core/release/servicestatus.h"
#include "core/validation/validator.h"
#include "ui/common/diffhighlighter.h"
#include "ui/common/palette.h"
#include "ui/promotion/preflightchecks.h"
#include "ui/promotion/promotionrunview.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QDateTime>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QSysInfo>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace Lucent::Ui {

namespace {

using namespace Core::Release;

enum Column { PickColumn, ServiceColumn, ServingColumn, ImageColumn, SuggestColumn };

QLabel *wrapping(const QString &text, const QString &objectName)
{
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

/// What a release engineer does after @p outcome.
QString nextSteps(PromotionOutcome outcome)
{
    switch (outcome) {
    case PromotionOutcome::Promoted:
        return PromotionWizard::tr("Watch the dashboard and the alerts. The old colour is kept at 0 replicas: "
                                   "Release > Roll Back... brings it back.");
    case PromotionOutcome::RolledBack:
        return PromotionWizard::tr("The old colour serves again. Read why above and in the steps' log, fix the "
                                   "image, and promote again.");
    case PromotionOutcome::Inconsistent:
        return PromotionWizard::tr("Check each Service's selector and each colour's replicas with kubectl; the "
                                   "journal in the promotion Lease says where it stopped.");
    case PromotionOutcome::Paused:
        return PromotionWizard::tr("The standby stays up: open Release > Promote... again to resume or roll back.");
    case PromotionOutcome::LockHeld:
    case PromotionOutcome::Forbidden:
    case PromotionOutcome::Refused:
        return PromotionWizard::tr("Nothing was changed. Fix what the sentence above names and start again.");
    }
    return {};
}

} // namespace

PromotionWizard::PromotionWizard(Core::Environment::EnvironmentSession *session, const QStringList &preselected,
                                 Kind kind, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_environment(session->environment())
    , m_kind(kind)
{
    setWindowTitle(kind == Kind::RollBack ? tr("Roll back in %1").arg(m_environment.name)
                                          : tr("Promote a release in %1").arg(m_environment.name));
    buildPages();
    fillServices(preselected);
    showPage(ReleasePage);
}

PromotionWizard::PromotionWizard(Core::Environment::EnvironmentSession *session,
                                 const Core::Release::PromotionJournal &journal, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_environment(session->environment())
    , m_interrupted(journal)
{
    setWindowTitle(tr("Finish promotion %1 in %2").arg(journal.promotionId, m_environment.name));
    buildPages();
    QStringList services;
    for (const JournalService &service : journal.services)
        services.append(tr("%1: %2 -> %3, %4").arg(service.service, service.from, service.to, service.image));
    m_recoverText->setText(
        tr("<b>%1</b>%2<br>%3<br><br>Started %4 by %5. <b>Resume</b> checks the new colour again and finishes the "
           "switch; <b>Roll back</b> brings the old colour back at full size before any Service "
           "switches back.")
            .arg(journal.describe().toHtmlEscaped(),
                 journal.paused.isEmpty() ? QString() : tr("<br>Paused: %1").arg(journal.paused.toHtmlEscaped()),
                 services.join(QStringLiteral("<br>"))
                     .toHtmlEscaped()
                     .replace(QStringLiteral("&lt;br&gt;"), QStringLiteral("<br>")),
                 journal.started.isEmpty() ? tr("(when: not journalled)") : journal.started.toHtmlEscaped(),
                 journal.by.isEmpty() ? tr("(who: not journalled)") : journal.by.toHtmlEscaped()));
    // The choices it was started with, shown to be kept or changed, rather than this page's defaults.
    if (journal.options.known) {
        m_analysis->setChecked(journal.options.analysis && m_analysis->isEnabled());
        m_preview->setChecked(journal.options.preview);
        m_monitor->setValue(journal.options.monitorSeconds);
        m_scaleDownDelay->setValue(journal.options.scaleDownDelaySeconds);
    }
    showPage(RecoverPage);
}

void PromotionWizard::buildPages()
{
    setObjectName(QStringLiteral("promotionWizard"));
    setModal(false);
    setMinimumSize(720, 520);
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(buildReleasePage());
    m_pages->addWidget(buildPlanPage());
    m_run = new PromotionRunView(m_environment);
    m_pages->addWidget(m_run);
    m_pages->addWidget(buildDonePage());
    m_pages->addWidget(buildRecoverPage());
    m_back = new QPushButton(tr("&Back"));
    m_next = new QPushButton(tr("&Next"));
    m_abort = new QPushButton(tr("&Abort and roll back"));
    m_close = new QPushButton(tr("&Cancel"));
    m_back->setObjectName(QStringLiteral("backButton"));
    m_next->setObjectName(QStringLiteral("nextButton"));
    m_abort->setObjectName(QStringLiteral("abortButton"));
    m_close->setObjectName(QStringLiteral("closeButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_abort);
    buttons->addStretch();
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    buttons->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addLayout(buttons);

    connect(m_back, &QPushButton::clicked, this, [this] { showPage(ReleasePage); });
    connect(m_next, &QPushButton::clicked, this, [this] {
        if (m_pages->currentIndex() == ReleasePage)
            plan();
        else if (m_pages->currentIndex() == PlanPage)
            start();
    });
    connect(m_abort, &QPushButton::clicked, this, [this] {
        if (m_engine)
            m_engine->abort(tr("Aborted in the wizard."));
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    connect(m_run, &PromotionRunView::statusChanged, this, &PromotionWizard::statusChanged);
    connect(m_run, &PromotionRunView::logsRequested, this,
            [this](const QString &selector) { Q_EMIT logsRequested(m_environment.name, selector); });
    // From the switch on, an abort brings the old colour back: say so on the button.
    connect(m_run, &PromotionRunView::switched, this, [this] { m_abort->setText(tr("Roll back &now")); });
}

void PromotionWizard::setProjectSettings(const Core::Environment::PromotionSettings &settings,
                                         const QString &projectDirectory)
{
    m_settings = settings;
    m_projectDirectory = projectDirectory;
    PromotionOptions defaults;
    applyProjectSettings(defaults, settings, projectDirectory);
    m_monitor->setValue(defaults.monitorSeconds);
    m_scaleDownDelay->setValue(defaults.scaleDownDelaySeconds);
    m_preview->setChecked(defaults.preview);
}

PromotionWizard::~PromotionWizard() = default;

bool PromotionWizard::isRunning() const
{
    return m_engine && m_pages->currentIndex() == RunPage;
}

QWidget *PromotionWizard::buildReleasePage()
{
    auto *page = new QWidget;
    m_services = new QTableWidget(0, 5);
    m_services->setObjectName(QStringLiteral("releaseTable"));
    m_services->setHorizontalHeaderLabels({{}, tr("Service"), tr("Serving now"), tr("New image"), {}});
    m_services->horizontalHeader()->setSectionResizeMode(ImageColumn, QHeaderView::Stretch);
    m_services->verticalHeader()->hide();
    m_analysis = new QCheckBox(tr("Analyse the new colour's metrics before the switch and after it"));
    m_analysis->setObjectName(QStringLiteral("analysisCheck"));
    m_analysis->setChecked(!m_environment.prometheusUrl.isEmpty());
    m_analysis->setEnabled(!m_environment.prometheusUrl.isEmpty());
    if (m_environment.prometheusUrl.isEmpty())
        m_analysis->setToolTip(tr("%1 names no Prometheus in lucent.yaml.").arg(m_environment.name));
    m_preview = new QCheckBox(tr("Create a preview Service on the new colour once it is healthy"));
    m_preview->setObjectName(QStringLiteral("previewCheck"));
    m_monitor = new QSpinBox;
    m_monitor->setObjectName(QStringLiteral("monitorSpin"));
    m_monitor->setRange(0, 3600);
    m_monitor->setValue(60);
    m_monitor->setSuffix(tr(" s"));
    m_scaleDownDelay = new QSpinBox;
    m_scaleDownDelay->setObjectName(QStringLiteral("scaleDownSpin"));
    m_scaleDownDelay->setRange(0, 3600);
    m_scaleDownDelay->setValue(30);
    m_scaleDownDelay->setSuffix(tr(" s"));
    auto *options = new QFormLayout;
    options->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    options->addRow(m_analysis);
    options->addRow(m_preview);
    options->addRow(tr("Monitor window after the switch:"), m_monitor);
    options->addRow(tr("Old colour scaled to 0 after:"), m_scaleDownDelay);
    m_releaseProblem = wrapping({}, QStringLiteral("releaseProblem"));
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(wrapping(tr("<b>1. Release.</b> Tick the services to promote together in %1%2 and give each "
                                  "its new image. They switch together and roll back together.")
                                   .arg(m_environment.name, m_environment.isProtected ? tr(" (protected)") : QString()),
                               QStringLiteral("releaseIntro")));
    layout->addWidget(m_services, 1);
    m_takeButtons = new QHBoxLayout;
    m_takeButtons->addStretch();
    layout->addLayout(m_takeButtons);
    layout->addLayout(options);
    layout->addWidget(m_releaseProblem);
    return page;
}

QWidget *PromotionWizard::buildPlanPage()
{
    auto *page = new QWidget;
    m_planText = new QPlainTextEdit;
    m_planText->setObjectName(QStringLiteral("planText"));
    m_planText->setReadOnly(true);
    m_planText->setLineWrapMode(QPlainTextEdit::NoWrap);
    new DiffHighlighter(m_planText->document(), isDark(palette()));
    m_planProblems = wrapping({}, QStringLiteral("planProblems"));
    m_preflight = new PreflightChecks;
    connect(m_preflight, &PreflightChecks::changed, this, &PromotionWizard::updateStart);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(wrapping(tr("<b>2. Plan and preflight.</b> Each standby Deployment, as a diff against the "
                                  "active one. The active colour is never touched; nothing changes until you start."),
                               QStringLiteral("planIntro")));
    layout->addWidget(m_planText, 1);
    layout->addWidget(m_planProblems);
    layout->addWidget(m_preflight);
    return page;
}

QWidget *PromotionWizard::buildRecoverPage()
{
    auto *page = new QWidget;
    m_recoverText = wrapping({}, QStringLiteral("recoverText"));
    m_recoverName = new QLineEdit(page);
    m_recoverName->setObjectName(QStringLiteral("recoverName"));
    m_recoverName->setPlaceholderText(tr("Type %1 to go on").arg(m_environment.name));
    m_recoverName->setVisible(m_environment.isProtected);
    auto *resume = new QPushButton(tr("&Resume"));
    resume->setObjectName(QStringLiteral("resumeButton"));
    auto *rollBack = new QPushButton(tr("Roll &back"));
    rollBack->setObjectName(QStringLiteral("rollBackButton"));
    const auto update = [this, resume, rollBack] {
        const bool confirmed = !m_environment.isProtected || m_recoverName->text() == m_environment.name;
        resume->setEnabled(confirmed);
        rollBack->setEnabled(confirmed);
    };
    connect(m_recoverName, &QLineEdit::textChanged, this, update);
    update();
    connect(resume, &QPushButton::clicked, this, [this] { recover(true); });
    connect(rollBack, &QPushButton::clicked, this, [this] { recover(false); });
    auto *buttons = new QHBoxLayout;
    if (m_environment.isProtected)
        buttons->addWidget(m_recoverName, 1);
    else
        buttons->addStretch(); // the buttons at their size
    buttons->addWidget(rollBack);
    buttons->addWidget(resume);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_recoverText);
    layout->addStretch();
    layout->addLayout(buttons);
    return page;
}

QWidget *PromotionWizard::buildDonePage()
{
    auto *page = new QWidget;
    m_outcome = wrapping({}, QStringLiteral("outcomeLabel"));
    // A rollback's evidence: the failed colour's logs and events, kept before it went to 0.
    m_evidence = new QPlainTextEdit;
    m_evidence->setObjectName(QStringLiteral("evidenceText"));
    m_evidence->setReadOnly(true);
    m_evidence->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_evidence->hide();
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_outcome);
    layout->addWidget(m_evidence, 1);
    layout->addStretch();
    return page;
}

void PromotionWizard::fillServices(const QStringList &preselected)
{
    if (!m_session || !m_session->services() || !m_session->deployments())
        return;
    const QList<QJsonObject> deployments = m_session->deployments()->objects();
    QList<QJsonObject> services = m_session->services()->objects();
    std::sort(services.begin(), services.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a[QLatin1String("metadata")][QLatin1String("name")].toString()
            < b[QLatin1String("metadata")][QLatin1String("name")].toString();
    });
    // Rolling back: each service with a standby colour goes back to the image that colour has.
    QHash<QString, QString> backTo;
    if (m_kind == Kind::RollBack) {
        QStringList problems;
        for (const RequestedImage &request : rollbackRequests(services, deployments, {}, &problems))
            backTo.insert(request.service, request.image);
        m_services->horizontalHeaderItem(ImageColumn)->setText(tr("Goes back to"));
    }
    for (const QJsonObject &service : std::as_const(services)) {
        const ServiceStatus status
            = serviceStatus(service, deployments, {}, [](const QString &) { return QJsonObject(); });
        if ((!status.blueGreen && !status.adoptable) || !status.active()
            || (m_kind == Kind::RollBack && !backTo.contains(status.name)))
            continue;
        const int row = m_services->rowCount();
        m_services->insertRow(row);
        auto *pick = new QTableWidgetItem;
        pick->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        pick->setCheckState(preselected.contains(status.name) ? Qt::Checked : Qt::Unchecked);
        m_services->setItem(row, PickColumn, pick);
        auto *name = new QTableWidgetItem(status.name);
        name->setFlags(Qt::ItemIsEnabled);
        m_services->setItem(row, ServiceColumn, name);
        auto *serving = new QTableWidgetItem(
            tr("%1 %2").arg(status.liveColour, status.active()->versions.join(QStringLiteral(", "))));
        serving->setFlags(Qt::ItemIsEnabled);
        serving->setData(Qt::UserRole, status.active()->images.join(QLatin1Char(' ')));
        m_services->setItem(row, ServingColumn, serving);
        auto *image = new QTableWidgetItem(m_kind == Kind::RollBack ? backTo.value(status.name)
                                                                    : status.active()->images.value(0));
        if (m_kind == Kind::RollBack)
            image->setFlags(Qt::ItemIsEnabled); // what the standby has: nothing to choose
        m_services->setItem(row, ImageColumn, image);
        if (m_kind == Kind::Promote) {
            auto *suggest = new QToolButton;
            suggest->setObjectName(QStringLiteral("suggest-") + status.name);
            suggest->setText(tr("Suggestions"));
            suggest->setToolTip(tr("Images other environments serve, the manifests name, and earlier ReplicaSets ran"));
            suggest->setPopupMode(QToolButton::InstantPopup);
            auto *menu = new QMenu(suggest);
            connect(menu, &QMenu::aboutToShow, this, [this, menu, row] { fillSuggestions(menu, row); });
            suggest->setMenu(menu);
            m_services->setCellWidget(row, SuggestColumn, suggest);
        }
    }
    m_services->resizeColumnsToContents();
}

void PromotionWizard::setSuggestionSources(const QList<EnvironmentImages> &others, const QString &manifestsDirectory)
{
    m_otherEnvironments = others;
    for (const EnvironmentImages &other : others) {
        if (m_kind != Kind::Promote || other.images.isEmpty())
            continue;
        auto *take = new QPushButton(tr("Take what %1 serves").arg(other.environment));
        take->setObjectName(QStringLiteral("take-") + other.environment);
        take->setToolTip(
            tr("Each service gets the image %1 serves now; those that change are ticked.").arg(other.environment));
        connect(take, &QPushButton::clicked, this, [this, other] { takeVersionsOf(other); });
        m_takeButtons->addWidget(take);
    }
    if (manifestsDirectory.isEmpty())
        return;
    m_manifestScan.start(
        [manifestsDirectory](QPromise<QHash<QString, QList<ImageSuggestion>>> &promise) {
            promise.addResult(manifestImages(manifestsDirectory));
        },
        [this](const QHash<QString, QList<ImageSuggestion>> &found) { m_manifestImages = found; });
}

void PromotionWizard::takeVersionsOf(const EnvironmentImages &others)
{
    for (int row = 0; row < m_services->rowCount(); ++row) {
        const QString image = others.images.value(m_services->item(row, ServiceColumn)->text());
        if (image.isEmpty())
            continue;
        const bool changes = !m_services->item(row, ServingColumn)->data(Qt::UserRole).toString().contains(image);
        m_services->item(row, ImageColumn)->setText(image);
        m_services->item(row, PickColumn)->setCheckState(changes ? Qt::Checked : Qt::Unchecked);
    }
    m_releaseProblem->setText(
        tr("The services whose image differs from what %1 serves are ticked.").arg(others.environment));
}

void PromotionWizard::fillSuggestions(QMenu *menu, int row)
{
    menu->clear();
    const QString service = m_services->item(row, ServiceColumn)->text();
    QList<ImageSuggestion> suggestions;
    for (const EnvironmentImages &other : std::as_const(m_otherEnvironments)) {
        if (other.images.contains(service))
            suggestions.append({other.images.value(service), tr("%1 serves it").arg(other.environment)});
    }
    suggestions.append(m_manifestImages.value(service));
    if (m_session && m_session->replicaSets())
        suggestions.append(replicaSetImages(service, m_session->replicaSets()->objects()));
    if (suggestions.isEmpty()) {
        menu->addAction(tr("No image seen elsewhere for %1").arg(service))->setEnabled(false);
        return;
    }
    for (const ImageSuggestion &suggestion : std::as_const(suggestions)) {
        menu->addAction(tr("%1  (%2)").arg(suggestion.image, suggestion.source), this,
                        [this, row, image = suggestion.image] {
                            m_services->item(row, ImageColumn)->setText(image);
                            m_services->item(row, PickColumn)->setCheckState(Qt::Checked);
                        });
    }
}

void PromotionWizard::showPage(Page page)
{
    m_pages->setCurrentIndex(page);
    m_back->setVisible(page == PlanPage);
    m_next->setVisible(page == ReleasePage || page == PlanPage);
    m_next->setText(page == PlanPage ? tr("&Start") : tr("&Next"));
    m_abort->setVisible(page == RunPage);
    m_close->setText(page == DonePage ? tr("&Close") : tr("&Cancel"));
    m_close->setEnabled(page != RunPage);
    // Enter goes on, except where a mistake would change production.
    m_next->setDefault(page != PlanPage || !m_environment.isProtected);
}

void PromotionWizard::plan()
{
    QList<RequestedImage> images;
    for (int row = 0; row < m_services->rowCount(); ++row) {
        if (m_services->item(row, PickColumn)->checkState() == Qt::Checked)
            images.append({m_services->item(row, ServiceColumn)->text(),
                           m_services->item(row, ImageColumn)->text().trimmed(),
                           {}});
    }
    if (images.isEmpty() || !m_session) {
        m_releaseProblem->setText(tr("Tick at least one service."));
        return;
    }
    const QList<QJsonObject> deployments = m_session->deployments()->objects();
    m_plan = planPromotion(
        {newPromotionId(m_kind == Kind::RollBack), m_environment.name, m_environment.namespaceName, images},
        m_session->services()->objects(), deployments);
    // The summary's "- service: ..." lines would read as removed lines in the diff colours.
    QStringList text{describePlan(m_plan).trimmed().replace(QStringLiteral("\n- "), QStringLiteral("\n• "))};
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        for (const QJsonObject &deployment : deployments) {
            if (deployment[QLatin1String("metadata")][QLatin1String("name")].toString() == planned.activeDeployment)
                text.append(standbyDiff(planned, deployment).trimmed());
        }
    }
    m_planText->setPlainText(text.join(QStringLiteral("\n\n")));
    QStringList problems = m_plan.problems;
    bool blocking = !m_plan.isValid();
    for (const auto &finding : validatePlan(m_plan, Core::Validation::Validator())) {
        problems.append(QStringLiteral("%1: %2").arg(finding.objectName, finding.message));
        blocking = blocking || finding.severity == Core::Validation::Severity::Error;
    }
    m_planProblems->setText(problems.isEmpty() ? tr("The plan validates.") : problems.join(QLatin1Char('\n')));
    m_planBlocked = blocking;
    showPage(PlanPage);
    m_preflight->run(m_session, m_plan, m_analysis->isChecked());
    updateStart();
}

void PromotionWizard::updateStart()
{
    if (m_pages->currentIndex() == PlanPage)
        m_next->setEnabled(!m_planBlocked && !m_preflight->blocks());
}

void PromotionWizard::start()
{
    if (!m_plan.isValid())
        return;
    m_recovering = false;
    runEngine([](PromotionEngine &engine) { engine.start(); });
}

void PromotionWizard::recover(bool resume)
{
    if (!m_session || !m_session->services() || !m_session->deployments())
        return;
    const RecoveryPlan recovery = planRecovery(m_interrupted, m_environment.namespaceName,
                                               m_session->services()->objects(), m_session->deployments()->objects());
    if (!recovery.problem.isEmpty()) {
        m_recoverText->setText(recovery.problem.toHtmlEscaped());
        return;
    }
    m_plan = recovery.plan;
    const PromotionJournal journal = m_interrupted;
    const QString who = promotionTarget().identity();
    m_recovering = true;
    runEngine(
        [resume, journal, recovery, who](PromotionEngine &engine) { beginRecovery(engine, journal, resume, who); });
}

void PromotionWizard::runEngine(const std::function<void(PromotionEngine &)> &begin)
{
    if (!m_session)
        return;
    // Its own client, Prometheus and audit trail: the promotion goes on when the console switches
    // environments (and the session on screen goes).
    m_client = std::make_unique<Core::Kube::KubeClient>(m_session->client()->connection());
    if (const Core::Prometheus::PrometheusClient *shared = m_session->prometheus())
        m_prometheus = std::make_unique<Core::Prometheus::PrometheusClient>(shared->baseUrl(), shared->auth());
    m_audit = std::make_unique<Core::Audit::AuditTrail>(m_environment.context);
    m_audit->attach(m_client.get(), m_session->userName());
    PromotionOptions options = engineOptions();
    // The controls were filled from the journal and are the user's to change; previews and a pause
    // stay as the promotion was started (its previews are its to remove).
    if (m_recovering)
        applyJournalledOptions(options, m_interrupted.options, {true, true, true});
    m_engine = std::make_unique<PromotionEngine>(m_client.get(), m_plan, options, m_audit.get());
    m_engine->setPrometheus(m_prometheus.get());
    m_run->attach(m_engine.get(), m_client.get(), m_prometheus.get(), options);
    connect(m_engine.get(), &PromotionEngine::finished, this, &PromotionWizard::onFinished);
    m_abort->setText(tr("&Abort and roll back"));
    showPage(RunPage);
    begin(*m_engine);
}

PromotionTarget PromotionWizard::promotionTarget() const
{
    return {m_environment,
            m_session->userName(),
            m_session->kubeconfig().files,
            m_session->client()->connection().server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash),
            m_settings,
            m_projectDirectory};
}

PromotionOptions PromotionWizard::engineOptions() const
{
    PromotionChoices choices;
    choices.monitorSeconds = m_monitor->value();
    choices.scaleDownDelaySeconds = m_scaleDownDelay->value();
    choices.preview = m_preview->isChecked();
    choices.analysis = m_analysis->isChecked();
    choices.alertsAcknowledged = m_preflight->alertsAcknowledged();
    choices.askOnInconclusive = true; // a person is at the console to answer
    choices.confirmBeforeSwitch = true;
    return promotionOptions(promotionTarget(), choices);
}

void PromotionWizard::onFinished(PromotionOutcome outcome, const QString &sentence)
{
    const QString title = outcome == PromotionOutcome::Promoted ? tr("Promoted.")
        : outcome == PromotionOutcome::Inconsistent             ? tr("A human must act.")
                                                                : tr("Not promoted.");
    m_outcome->setText(QStringLiteral("<b>%1</b><br>%2<br><br><b>Timings:</b> %3<br><b>Audit record:</b> %4<br><br>"
                                      "<b>Next:</b> %5")
                           .arg(title, sentence.toHtmlEscaped(), m_run->timings().toHtmlEscaped(),
                                tr("%1 (and an Event in %2)")
                                    .arg(Core::Audit::AuditLog::defaultPath(), m_environment.namespaceName)
                                    .toHtmlEscaped(),
                                nextSteps(outcome).toHtmlEscaped()));
    const Core::Release::FailureEvidence evidence = m_engine ? m_engine->evidence() : Core::Release::FailureEvidence();
    m_evidence->setVisible(!evidence.isEmpty());
    m_evidence->setPlainText(evidence.isEmpty() ? QString() : evidence.text());
    showPage(DonePage);
    Q_EMIT statusChanged({});
}

void PromotionWizard::closeEvent(QCloseEvent *event)
{
    if (isRunning()) {
        // A running promotion is never abandoned by a click: abort it, or let it go on hidden.
        QMessageBox::information(this, windowTitle(),
                                 tr("The promotion is running. Abort it first, or keep this window open."));
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

} // namespace Lucent::Ui
