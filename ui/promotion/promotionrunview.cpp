#include "ui/promotion/promotionrunview.h"

#include "ui/promotion/colourcomparison.h"
#include "ui/promotion/standbyprogress.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

namespace {

using namespace Core::Release;

QLabel *wrappingLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

/// The thresholds the analysis judges by: the project's metrics where it names them, else the
/// default analysis'.
std::tuple<double, double, double> thresholds(const PromotionOptions &options)
{
    QList<AnalysisMetric> metrics = defaultAnalysis({}, {}, {}, {});
    for (AnalysisMetric &metric : metrics) {
        for (const AnalysisMetric &own : options.analysisTemplates) {
            if (own.name == metric.name)
                metric.threshold = own.threshold;
        }
    }
    return {metrics.value(0).threshold, metrics.value(1).threshold, metrics.value(2).threshold};
}

} // namespace

PromotionRunView::PromotionRunView(const Core::Environment::Environment &environment, QWidget *parent)
    : QWidget(parent)
    , m_environment(environment)
{
    m_step = wrappingLabel(QStringLiteral("stepLabel"));
    m_progress = new StandbyProgress;
    m_comparison = new ColourComparison;
    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("progressLog"));
    m_log->setReadOnly(true);
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("runTabs"));
    m_tabs->addTab(m_comparison, tr("Blue and green"));
    m_tabs->addTab(m_log, tr("Every step"));
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_progress);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_step);
    layout->addWidget(split, 1);
    layout->addWidget(buildDecisionGate());
    layout->addWidget(buildSwitchGate());
    connect(m_progress, &StandbyProgress::logsRequested, this, &PromotionRunView::logsRequested);
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &PromotionRunView::showCountdown);
}

QWidget *PromotionRunView::buildSwitchGate()
{
    m_switchGate = new QWidget;
    m_switchGate->setObjectName(QStringLiteral("switchGate"));
    m_switchSummary = wrappingLabel(QStringLiteral("switchSummary"));
    m_confirmName = new QLineEdit(m_switchGate);
    m_confirmName->setObjectName(QStringLiteral("confirmName"));
    m_confirmName->setPlaceholderText(tr("Type %1 to promote").arg(m_environment.name));
    m_confirmName->setVisible(m_environment.isProtected);
    m_promote = new QPushButton(tr("&Promote: switch the Services"));
    m_promote->setObjectName(QStringLiteral("promoteButton"));
    auto *gate = new QVBoxLayout(m_switchGate);
    gate->setContentsMargins(0, 0, 0, 0);
    gate->addWidget(m_switchSummary);
    auto *confirmRow = new QHBoxLayout;
    if (m_environment.isProtected)
        confirmRow->addWidget(m_confirmName, 1);
    else
        confirmRow->addStretch(); // the button at its size, on the right, where Next was
    confirmRow->addWidget(m_promote);
    gate->addLayout(confirmRow);
    m_switchGate->hide();
    connect(m_confirmName, &QLineEdit::textChanged, this, &PromotionRunView::updatePromote);
    updatePromote();
    connect(m_promote, &QPushButton::clicked, this, [this] {
        m_gateOpen = false;
        m_switchGate->hide();
        if (m_engine)
            m_engine->confirmSwitch();
    });
    return m_switchGate;
}

void PromotionRunView::updatePromote()
{
    // On a protected environment the switch needs the name typed; Enter never promotes there. And
    // never over a new colour that is not ready now: the engine would refuse it anyway.
    const bool named = !m_environment.isProtected || m_confirmName->text() == m_environment.name;
    m_promote->setEnabled(named && m_progress->notReady().isEmpty());
}

void PromotionRunView::showGate()
{
    if (!m_gateOpen)
        return;
    const QString notReady = m_progress->notReady();
    if (notReady.isEmpty())
        m_refusal.clear();
    const QString changes = m_gateSummary.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    if (notReady.isEmpty()) {
        m_switchSummary->setText(tr("<b>Everything is verified.</b> Promote switches:<br>%1").arg(changes));
        m_step->setText(tr("<b>Verified:</b> waiting for Promote"));
    } else {
        // Short, so that it is read whole at any size; the refusal's full sentence is in the
        // "Every step" log.
        m_switchSummary->setText(tr("<b>Not ready now:</b> %1. Promote waits until every pod of the new colour is "
                                    "ready again; Abort rolls back.")
                                     .arg(notReady.toHtmlEscaped()));
        m_step->setText(m_refusal.isEmpty()
                            ? tr("<b>Waiting:</b> the new colour is not ready")
                            : tr("<b>Waiting:</b> the new colour is not ready. <b>Promote was refused</b>: nothing "
                                 "was switched."));
    }
    Q_EMIT statusChanged(notReady.isEmpty()
                             ? tr("Promotion in %1: verified, waiting for Promote").arg(m_environment.name)
                             : tr("Promotion in %1: the new colour is not ready").arg(m_environment.name));
    updatePromote();
    const bool wasHidden = m_switchGate->isHidden();
    m_switchGate->show();
    if (wasHidden)
        (m_environment.isProtected ? static_cast<QWidget *>(m_confirmName) : m_promote)->setFocus();
}

QWidget *PromotionRunView::buildDecisionGate()
{
    m_decisionGate = new QWidget;
    m_decisionGate->setObjectName(QStringLiteral("decisionGate"));
    m_decision = wrappingLabel(QStringLiteral("decisionLabel"));
    auto *goOn = new QPushButton(tr("C&ontinue to the switch"));
    goOn->setObjectName(QStringLiteral("continueButton"));
    auto *decision = new QVBoxLayout(m_decisionGate);
    decision->setContentsMargins(0, 0, 0, 0);
    decision->addWidget(m_decision);
    decision->addWidget(goOn, 0, Qt::AlignRight);
    m_decisionGate->hide();
    connect(goOn, &QPushButton::clicked, this, [this] {
        m_decisionGate->hide();
        if (m_engine)
            m_engine->continueDespiteInconclusive();
    });
    return m_decisionGate;
}

void PromotionRunView::attach(PromotionEngine *engine, Core::Kube::KubeClient *client,
                              Core::Prometheus::PrometheusClient *prometheus, const PromotionOptions &options)
{
    m_engine = engine;
    m_monitorSeconds = options.monitorSeconds;
    m_log->clear();
    m_timings.clear();
    m_stepName.clear();
    m_progress->watch(client, engine->plan());
    QStringList services;
    for (const PlannedService &planned : engine->plan().services)
        services.append(planned.service);
    const auto [errorRatio, latency, rate] = thresholds(options);
    m_comparison->setThresholds(errorRatio, latency, rate);
    // The charts whenever there is a Prometheus: with the analysis off they are all there is.
    m_comparison->setSource(prometheus, engine->plan().request.namespaceName, services);
    m_progress->setAnalysisOff(!options.analysis || !prometheus);
    connect(engine, &PromotionEngine::stepChanged, this, &PromotionRunView::onStep);
    connect(engine, &PromotionEngine::progress, this, [this](const QString &line) {
        m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + line);
    });
    connect(engine, &PromotionEngine::analysisMeasured, m_progress, &StandbyProgress::setAnalysis);
    // The charts show what the measurements just saw.
    connect(engine, &PromotionEngine::analysisMeasured, m_comparison, &ColourComparison::refresh);
    connect(engine, &PromotionEngine::switchAwaitingConfirmation, this, [this](const QString &summary) {
        m_gateSummary = summary;
        m_refusal.clear();
        m_gateOpen = true;
        showGate();
    });
    connect(engine, &PromotionEngine::switchRefused, this, [this](const QString &sentence) {
        m_refusal = sentence;
        m_gateOpen = true;
        showGate();
    });
    connect(m_progress, &StandbyProgress::refreshed, this, &PromotionRunView::showGate);
    connect(engine, &PromotionEngine::decisionNeeded, this, [this](const QString &sentence) {
        m_decision->setText(tr("%1 Continue to the switch, or abort and roll back.").arg(sentence.toHtmlEscaped()));
        m_decisionGate->show();
    });
    connect(engine, &PromotionEngine::finished, this, [this] {
        m_gateOpen = false;
        m_switchGate->hide();
        m_decisionGate->hide();
        m_countdown.stop();
        onStep(PromotionStep::Done); // closes the last step's timing
    });
}

void PromotionRunView::onStep(PromotionStep step)
{
    m_gateOpen = false; // the engine left the gate (a rollback, say)
    m_switchGate->hide();
    // The previous step's time; "done" is the end, not a step that takes any.
    if (!m_stepName.isEmpty() && m_stepName != promotionStepName(PromotionStep::Done))
        m_timings.append({m_stepName, m_stepClock.elapsed()});
    m_stepName = promotionStepName(step);
    m_stepClock.start();
    m_step->setText(tr("<b>Step:</b> %1").arg(m_stepName));
    if (step == PromotionStep::Switching)
        Q_EMIT switched();
    if (step == PromotionStep::Monitoring && m_monitorSeconds > 0) {
        m_countdown.start();
        showCountdown();
    } else {
        m_countdown.stop();
    }
    if (step != PromotionStep::Done)
        Q_EMIT statusChanged(tr("Promotion in %1: %2").arg(m_environment.name, m_stepName));
}

void PromotionRunView::showCountdown()
{
    const qint64 left = std::max<qint64>(0, m_monitorSeconds - m_stepClock.elapsed() / 1000);
    m_step->setText(tr("<b>Step:</b> monitor. The new colour serves; %1 s left in the monitor window. "
                       "<b>Roll back now</b> brings the old colour back.")
                        .arg(left));
    Q_EMIT statusChanged(tr("Promotion in %1: monitor, %2 s left").arg(m_environment.name).arg(left));
}

QString PromotionRunView::timings() const
{
    QStringList parts;
    qint64 total = 0;
    for (const auto &[name, ms] : m_timings) {
        parts.append(tr("%1 %2 s").arg(name).arg(double(ms) / 1000.0, 0, 'f', 1));
        total += ms;
    }
    return tr("%1 s in all: %2").arg(double(total) / 1000.0, 0, 'f', 1).arg(parts.join(QStringLiteral(", ")));
}

} // namespace Lucent::Ui
