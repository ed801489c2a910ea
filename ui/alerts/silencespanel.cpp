#include "ui/alerts/silencespanel.h"

#include "core/alerting/silenceoperations.h"
#include "core/audit/auditrecord.h"
#include "core/environment/environmentsession.h"
#include "ui/alerts/silenceform.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/common/inlinebanner.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Alerting::SilenceOperations;
using Core::Prometheus::PrometheusError;
using Core::Prometheus::Silence;

namespace {

enum SilenceColumn { StateColumn, MatchersColumn, EndsColumn, CreatedByColumn, CommentColumn };

} // namespace

SilencesPanel::SilencesPanel(QWidget *parent)
    : QWidget(parent)
    , m_list(new QTreeWidget(this))
    , m_new(new QPushButton(tr("New Silence…"), this))
    , m_expire(new QPushButton(tr("Expire"), this))
    , m_showExpired(new QCheckBox(tr("Show expired"), this))
    , m_emptyState(new QLabel(this))
    , m_banner(new InlineBanner(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("silencesPanel"));
    m_new->setObjectName(QStringLiteral("newSilenceButton"));
    m_expire->setObjectName(QStringLiteral("expireSilenceButton"));
    m_showExpired->setObjectName(QStringLiteral("showExpiredSilences"));
    m_list->setObjectName(QStringLiteral("silencesList"));
    m_list->setHeaderLabels({tr("State"), tr("Matchers"), tr("Ends"), tr("Created by"), tr("Comment")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    m_emptyState->setObjectName(QStringLiteral("silencesEmptyState"));
    m_emptyState->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_expire);
    buttons->addStretch(1);
    buttons->addWidget(m_showExpired);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addLayout(buttons);
    layout->addWidget(m_emptyState);
    layout->addWidget(m_list, 1);
    connect(m_new, &QPushButton::clicked, this, [this] {
        Silence draft;
        // A new silence starts scoped to this environment: it must not mute another's alerts.
        if (m_session) {
            const auto scope = m_session->environment().alertScope();
            for (auto it = scope.cbegin(); it != scope.cend(); ++it)
                draft.matchers.append({it.key(), it.value(), false, true});
        }
        createSilence(draft);
    });
    connect(m_expire, &QPushButton::clicked, this, &SilencesPanel::expireSelected);
    connect(m_showExpired, &QCheckBox::toggled, this, &SilencesPanel::showSilences);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QTreeWidgetItem *item = m_list->currentItem();
        m_expire->setEnabled(item && item->text(StateColumn) != QLatin1String("expired"));
    });
    m_timer->setInterval(15000);
    connect(m_timer, &QTimer::timeout, this, &SilencesPanel::refresh);
    setSession(nullptr);
}

void SilencesPanel::setSession(Core::Environment::EnvironmentSession *session)
{
    if (m_dialog)
        m_dialog->reject(); // a confirmation never outlives the environment it was for
    m_session = session;
    delete m_operations; // answers about the old environment's silences go with it
    m_operations = nullptr;
    m_listFailed = false;
    m_silences.clear();
    m_list->clear();
    m_banner->clear();
    const bool available = session && session->alertmanager();
    m_new->setEnabled(available);
    m_expire->setEnabled(false);
    if (!available) {
        m_timer->stop();
        m_emptyState->setText(session ? tr("%1 names no Alertmanager. Add 'alertmanager: URL' to the environment "
                                           "in lucent.yaml to see and manage its silences.")
                                            .arg(session->environment().name)
                                      : QString());
        m_emptyState->setVisible(session != nullptr);
        Q_EMIT silencesChanged({});
        return;
    }
    m_emptyState->hide();
    m_operations
        = new SilenceOperations(session->alertmanager(), session->audit(), session->environment().namespaceName,
                                session->environment().alertScope(), this);
    connect(m_operations, &SilenceOperations::listed, this, [this](const QList<Silence> &silences) {
        if (m_listFailed)
            m_banner->clear(); // the list works again; a change's sentence stays
        m_listFailed = false;
        m_silences = silences;
        showSilences();
        Q_EMIT silencesChanged(m_silences);
    });
    connect(m_operations, &SilenceOperations::listFailed, this, [this](const PrometheusError &error) {
        m_listFailed = true;
        m_banner->showMessages(InlineBanner::Severity::Error, {error.sentence()});
    });
    connect(m_operations, &SilenceOperations::changed, this, &SilencesPanel::onChanged);
    refresh();
    m_timer->start();
}

QString SilencesPanel::bannerText() const
{
    return m_banner->text();
}

void SilencesPanel::refresh()
{
    if (m_operations)
        m_operations->list();
}

void SilencesPanel::showSilences()
{
    const QString selected
        = m_list->currentItem() ? m_list->currentItem()->data(0, Qt::UserRole).toString() : QString();
    m_list->clear();
    int shown = 0;
    for (const Silence &silence : std::as_const(m_silences)) {
        if (silence.state == QLatin1String("expired") && !m_showExpired->isChecked())
            continue;
        auto *item = new QTreeWidgetItem(m_list,
                                         {silence.state, silence.matchersText(),
                                          silence.endsAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                          silence.createdBy, silence.comment});
        item->setData(0, Qt::UserRole, silence.id);
        item->setToolTip(MatchersColumn, tr("Silence %1").arg(silence.id));
        if (silence.id == selected)
            m_list->setCurrentItem(item);
        ++shown;
    }
    m_emptyState->setText(tr("No active silences."));
    m_emptyState->setVisible(shown == 0);
    m_expire->setEnabled(m_list->currentItem() && m_list->currentItem()->text(StateColumn) != QLatin1String("expired"));
}

void SilencesPanel::createSilence(const Silence &draft)
{
    if (!m_session || !m_session->alertmanager() || m_dialog)
        return;
    Silence filled = draft;
    if (filled.createdBy.isEmpty())
        filled.createdBy = Core::Audit::localUserName();
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Create Silence"),
                                           tr("Silence matching alerts in %1. They keep firing in Prometheus, but "
                                              "Alertmanager sends no notification for them until the silence ends.")
                                               .arg(env.name),
                                           env.name, env.isProtected, this);
    auto *form = new SilenceForm(filled, dialog);
    dialog->addInput(form);
    dialog->setInputsValid(form->problem().isEmpty());
    connect(form, &SilenceForm::validityChanged, dialog, &ConfirmActionDialog::setInputsValid);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, form] {
        if (const auto silence = form->silence(); silence && m_operations)
            m_operations->create(*silence);
    });
    m_dialog = dialog;
    dialog->open();
}

void SilencesPanel::onChanged(bool ok, const QString &sentence, const Silence &silence)
{
    m_listFailed = false;
    m_banner->showMessages(ok ? InlineBanner::Severity::Info : InlineBanner::Severity::Error, {sentence});
    // A silence that was not created comes back in its form, so nothing typed is lost.
    if (!ok && silence.id.isEmpty())
        createSilence(silence);
    refresh();
}

void SilencesPanel::expireSelected()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || !m_session || !m_session->alertmanager() || m_dialog)
        return;
    const QString id = item->data(0, Qt::UserRole).toString();
    // The silence as listed when asking: the one the question names.
    const auto found = std::find_if(m_silences.cbegin(), m_silences.cend(),
                                    [&id](const Silence &candidate) { return candidate.id == id; });
    if (found == m_silences.cend())
        return;
    const Silence silence = *found;
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Expire Silence"),
                                           tr("Expire the silence on %1 in %2? Alerts it mutes notify again at once.")
                                               .arg(item->text(MatchersColumn), env.name),
                                           env.name, env.isProtected, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, silence] {
        if (m_operations)
            m_operations->expire(silence);
    });
    m_dialog = dialog;
    dialog->open();
}

} // namespace Lucent::Ui
