#pragma once

#include "core/environment/projectconfig.h"
#include "core/jobs/latestjob.h"
#include "core/release/imagesuggestions.h"
#include "core/release/projectpromotion.h"
#include "core/release/promotionengine.h"

#include <QDialog>
#include <QPointer>

#include <functional>
#include <memory>

class QCheckBox;
class QHBoxLayout;
class QPlainTextEdit;
class QLabel;
class QMenu;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Core::Audit {
class AuditTrail;
}

namespace Lucent::Ui {

class PreflightChecks;
class PromotionRunView;

/// The guided blue-green promotion of a release: choose the services and their new images,
/// review the plan (each standby Deployment as a diff against the active one, the validation),
/// then watch the engine deploy and verify; the switch waits for Promote (on a protected
/// environment, its name typed), an inconclusive analysis asks, Abort always rolls back. Not
/// modal; its engine has its own client, so switching environments does not stop it. All the
/// promotion logic is core/release's PromotionEngine.
class PromotionWizard final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionWizard)

public:
    /// Promote: new images for the services; RollBack: the services go back to the image their
    /// standby colour still has (a promotion back, with every check).
    enum class Kind { Promote, RollBack };

    PromotionWizard(Core::Environment::EnvironmentSession *session, const QStringList &preselected,
                    Kind kind = Kind::Promote, QWidget *parent = nullptr);
    /// Opens on the interrupted (or paused) promotion of @p journal: Resume or Roll back.
    PromotionWizard(Core::Environment::EnvironmentSession *session, const Core::Release::PromotionJournal &journal,
                    QWidget *parent = nullptr);
    ~PromotionWizard() override;

    bool isRunning() const;
    QString environmentName() const { return m_environment.name; }
    /// lucent.yaml's `promotion:` section (@p projectDirectory: where the file is): the options'
    /// defaults, the smoke test and the analysis' metrics and timing.
    void setProjectSettings(const Core::Environment::PromotionSettings &settings, const QString &projectDirectory);
    /// Where the first page's image suggestions come from besides the ReplicaSets: what the
    /// other environments serve now (a button each takes all of one's versions), and the YAML
    /// files under @p manifestsDirectory (read on a worker).
    void setSuggestionSources(const QList<Core::Release::EnvironmentImages> &others, const QString &manifestsDirectory);

Q_SIGNALS:
    /// A line for the status bar while a promotion runs; empty once it ended.
    void statusChanged(const QString &status);
    /// The new colour's pods' logs, for the Logs tab: a label selector in this environment.
    void logsRequested(const QString &environment, const QString &selector);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    enum Page { ReleasePage, PlanPage, RunPage, DonePage, RecoverPage };

    void buildPages();
    QWidget *buildRecoverPage();
    /// Resumes (or rolls back) the journal's promotion, planned again from the live objects.
    void recover(bool resume);
    void runEngine(const std::function<void(Core::Release::PromotionEngine &)> &begin);
    QWidget *buildReleasePage();
    QWidget *buildPlanPage();
    QWidget *buildDonePage();
    void fillServices(const QStringList &preselected);
    /// The suggestions menu of @p row's service: other environments, manifests, ReplicaSets.
    void fillSuggestions(QMenu *menu, int row);
    /// Gives each service the image @p others serves, ticking those that change.
    void takeVersionsOf(const Core::Release::EnvironmentImages &others);
    void showPage(Page page);
    void plan();
    /// Start is enabled when the plan validates and no preflight check stops it.
    void updateStart();
    void start();
    /// Where this wizard promotes, for the shared setup (projectpromotion.h).
    Core::Release::PromotionTarget promotionTarget() const;
    /// The engine's options: the project's, then what the first page says.
    Core::Release::PromotionOptions engineOptions() const;
    void onFinished(Core::Release::PromotionOutcome outcome, const QString &sentence);

    QPointer<Core::Environment::EnvironmentSession> m_session;
    Core::Environment::Environment m_environment;
    // The engine's own client, Prometheus and audit trail: the promotion outlives the session of
    // the environment on screen.
    std::unique_ptr<Core::Kube::KubeClient> m_client;
    std::unique_ptr<Core::Prometheus::PrometheusClient> m_prometheus;
    std::unique_ptr<Core::Audit::AuditTrail> m_audit;
    std::unique_ptr<Core::Release::PromotionEngine> m_engine;
    Core::Release::PromotionPlan m_plan;
    Core::Release::PromotionJournal m_interrupted;
    bool m_recovering = false; ///< the engine resumes or aborts m_interrupted, with its journalled options
    Kind m_kind = Kind::Promote;
    QLabel *m_recoverText = nullptr;
    QLineEdit *m_recoverName = nullptr;

    QStackedWidget *m_pages = nullptr;
    QTableWidget *m_services = nullptr;
    QCheckBox *m_analysis = nullptr;
    QCheckBox *m_preview = nullptr;
    QSpinBox *m_monitor = nullptr;
    QSpinBox *m_scaleDownDelay = nullptr;
    QLabel *m_releaseProblem = nullptr;
    QPlainTextEdit *m_planText = nullptr;
    QLabel *m_planProblems = nullptr;
    PromotionRunView *m_run = nullptr;
    PreflightChecks *m_preflight = nullptr;
    bool m_planBlocked = false;
    QList<Core::Release::EnvironmentImages> m_otherEnvironments;
    QHash<QString, QList<Core::Release::ImageSuggestion>> m_manifestImages;
    Core::Jobs::LatestJob<QHash<QString, QList<Core::Release::ImageSuggestion>>> m_manifestScan{this};
    QHBoxLayout *m_takeButtons = nullptr;
    Core::Environment::PromotionSettings m_settings;
    QString m_projectDirectory;
    QLabel *m_outcome = nullptr;
    QPlainTextEdit *m_evidence = nullptr; ///< the Done page's logs and events of a failed colour
    QPushButton *m_back = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace Lucent::Ui
