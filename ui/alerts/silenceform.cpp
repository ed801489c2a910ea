#include "ui/alerts/silenceform.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>

namespace Lucent::Ui {

using Core::Prometheus::Silence;
using Core::Prometheus::SilenceMatcher;

namespace {

// Matchers are separated by commas outside double quotes, so a quoted value may hold one.
QStringList splitMatchers(const QString &text)
{
    QStringList parts;
    QString current;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == QLatin1Char('"') && (i == 0 || text[i - 1] != QLatin1Char('\\')))
            quoted = !quoted;
        if (c == QLatin1Char(',') && !quoted) {
            parts.append(current);
            current.clear();
        } else {
            current.append(c);
        }
    }
    parts.append(current);
    parts.removeIf([](const QString &part) { return part.trimmed().isEmpty(); });
    return parts;
}

} // namespace

SilenceForm::SilenceForm(const Silence &draft, QWidget *parent)
    : QWidget(parent)
    , m_matchers(new QLineEdit(draft.matchersText(), this))
    , m_duration(new QComboBox(this))
    , m_createdBy(new QLineEdit(draft.createdBy, this))
    , m_comment(new QLineEdit(draft.comment, this))
    , m_error(new QLabel(this))
{
    m_matchers->setObjectName(QStringLiteral("silenceMatchers"));
    m_matchers->setPlaceholderText(QStringLiteral("alertname=HighErrorRate, app=wallet-service"));
    m_duration->setObjectName(QStringLiteral("silenceDuration"));
    for (const auto &[label, minutes] : std::initializer_list<std::pair<QString, int>>{{tr("30 minutes"), 30},
                                                                                       {tr("1 hour"), 60},
                                                                                       {tr("2 hours"), 120},
                                                                                       {tr("4 hours"), 240},
                                                                                       {tr("8 hours"), 480},
                                                                                       {tr("1 day"), 1440},
                                                                                       {tr("1 week"), 10080}})
        m_duration->addItem(label, minutes);
    const qint64 draftMinutes
        = draft.startsAt.isValid() && draft.endsAt.isValid() ? draft.startsAt.secsTo(draft.endsAt) / 60 : 120;
    const int match = m_duration->findData(int(draftMinutes));
    m_duration->setCurrentIndex(match >= 0 ? match : 2);
    m_createdBy->setObjectName(QStringLiteral("silenceCreatedBy"));
    m_comment->setObjectName(QStringLiteral("silenceComment"));
    m_comment->setPlaceholderText(tr("Why, and a ticket if there is one"));
    m_error->setObjectName(QStringLiteral("silenceProblem"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d13b3b;"));
    auto *layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("Matchers:"), m_matchers);
    layout->addRow(tr("Duration:"), m_duration);
    layout->addRow(tr("Created by:"), m_createdBy);
    layout->addRow(tr("Comment:"), m_comment);
    layout->addRow(m_error);
    for (QLineEdit *edit : {m_matchers, m_createdBy, m_comment})
        connect(edit, &QLineEdit::textChanged, this, &SilenceForm::validate);
    validate();
}

std::optional<Silence> SilenceForm::silence() const
{
    if (!m_problem.isEmpty())
        return std::nullopt;
    Silence silence;
    QString unused;
    for (const QString &part : splitMatchers(m_matchers->text()))
        silence.matchers.append(*SilenceMatcher::parse(part, &unused));
    silence.startsAt = QDateTime::currentDateTimeUtc();
    silence.endsAt = silence.startsAt.addSecs(qint64(m_duration->currentData().toInt()) * 60);
    silence.createdBy = m_createdBy->text().trimmed();
    silence.comment = m_comment->text().trimmed();
    return silence;
}

void SilenceForm::validate()
{
    QString problem;
    const QStringList parts = splitMatchers(m_matchers->text());
    bool matchesAll = true;
    for (const QString &part : parts) {
        QString error;
        const auto matcher = SilenceMatcher::parse(part, &error);
        if (!matcher) {
            problem = error;
            break;
        }
        // Alertmanager rejects a silence whose every matcher matches the empty string: it would
        // mute everything.
        if (!matcher->matches({}))
            matchesAll = false;
    }
    if (problem.isEmpty() && parts.isEmpty())
        problem = tr("Add at least one matcher, such as alertname=HighErrorRate.");
    else if (problem.isEmpty() && matchesAll)
        problem = tr("These matchers would silence every alert; name a label value that must be present.");
    else if (problem.isEmpty() && m_createdBy->text().trimmed().isEmpty())
        problem = tr("Say who creates the silence.");
    else if (problem.isEmpty() && m_comment->text().trimmed().isEmpty())
        problem = tr("Say why: Alertmanager requires a comment.");
    m_problem = problem;
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    Q_EMIT validityChanged(problem.isEmpty());
}

} // namespace Lucent::Ui
