#include "ui/logs/logview.h"

#include "core/environment/environmentsession.h"
#include "core/kube/labelselector.h"
#include "core/kube/resourcecache.h"
#include "ui/common/fieldproblem.h"
#include "ui/common/inlinebanner.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logtextdelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Lucent::Ui {

void configureLogTable(QTableView *table)
{
    table->verticalHeader()->hide();
    table->setFont(QFont(QStringLiteral("monospace")));
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 4);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // a million rows stay cheap
    table->horizontalHeader()->setStretchLastSection(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->setItemDelegate(new LogTextDelegate(table));
}

using Core::Logs::LogTarget;
using Core::Logs::PodLogSet;

namespace {

QLineEdit *filterEdit(const QString &name, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

} // namespace

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_model(new LogModel(this))
    , m_source(new QComboBox(this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_held(new QLabel(this))
    , m_tail(new QSpinBox(this))
    , m_since(new QComboBox(this))
    , m_previous(new QCheckBox(tr("Previous"), this))
    , m_timestamps(new QCheckBox(tr("Timestamps"), this))
    , m_wrap(new QCheckBox(tr("Wrap"), this))
    , m_json(new QCheckBox(tr("JSON fields:"), this))
    , m_fields(new QLineEdit(QStringLiteral("level, context, msg, route, status, latency_ms"), this))
    , m_include(filterEdit(QStringLiteral("logInclude"), tr("Show lines matching (regex)"), this))
    , m_exclude(filterEdit(QStringLiteral("logExclude"), tr("Hide lines matching (regex)"), this))
    , m_highlight(filterEdit(QStringLiteral("logHighlight"), tr("Highlight (regex)"), this))
    , m_caseSensitive(new QCheckBox(tr("Aa"), this))
    , m_status(new QLabel(this))
    , m_banner(new InlineBanner(this))
    , m_table(new QTableView(this))
    , m_filterDelay(new QTimer(this))
    , m_statusDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("logView"));
    m_source->setObjectName(QStringLiteral("logSource"));
    m_source->setEditable(true);
    m_source->setInsertPolicy(QComboBox::NoInsert);
    m_source->setMinimumContentsLength(28);
    m_source->lineEdit()->setPlaceholderText(
        tr("deployment/NAME, service/NAME, pod/NAME (add /CONTAINER for one container) or app=NAME"));
    m_pause->setObjectName(QStringLiteral("logPause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Stop the view; lines keep arriving and are counted, none is dropped"));
    m_held->setObjectName(QStringLiteral("logHeld"));
    m_tail->setObjectName(QStringLiteral("logTail"));
    m_tail->setRange(0, 1'000'000);
    m_tail->setValue(500);
    m_tail->setPrefix(tr("tail "));
    m_tail->setSpecialValueText(tr("all lines"));
    m_tail->setToolTip(tr("Lines of history per container when the logs open"));
    m_since->setObjectName(QStringLiteral("logSince"));
    for (const auto &[label, seconds] : std::initializer_list<std::pair<QString, int>>{{tr("any time"), 0},
                                                                                       {tr("last 5 m"), 300},
                                                                                       {tr("last 15 m"), 900},
                                                                                       {tr("last 1 h"), 3600},
                                                                                       {tr("last 6 h"), 21600},
                                                                                       {tr("last 24 h"), 86400}})
        m_since->addItem(label, seconds);
    m_previous->setObjectName(QStringLiteral("logPrevious"));
    m_previous->setToolTip(tr("The log of each container's previous run (after a restart)"));
    m_timestamps->setObjectName(QStringLiteral("logTimestamps"));
    m_timestamps->setChecked(true);
    m_wrap->setObjectName(QStringLiteral("logWrap"));
    m_json->setObjectName(QStringLiteral("logJson"));
    m_fields->setObjectName(QStringLiteral("logJsonFields"));
    m_fields->setToolTip(tr("The JSON fields shown as columns, separated by commas"));
    m_caseSensitive->setObjectName(QStringLiteral("logCaseSensitive"));
    m_caseSensitive->setToolTip(tr("Match case"));
    m_status->setObjectName(QStringLiteral("logStatus"));
    auto *saveAll = new QPushButton(tr("Save All…"), this);
    saveAll->setObjectName(QStringLiteral("logSaveAll"));
    auto *saveShown = new QPushButton(tr("Save Shown…"), this);
    saveShown->setObjectName(QStringLiteral("logSaveShown"));

    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_model);
    configureLogTable(m_table);

    auto *sourceRow = new QHBoxLayout;
    sourceRow->addWidget(new QLabel(tr("Logs of:"), this));
    sourceRow->addWidget(m_source, 1);
    sourceRow->addWidget(m_tail);
    sourceRow->addWidget(m_since);
    sourceRow->addWidget(m_previous);
    sourceRow->addWidget(m_pause);
    sourceRow->addWidget(m_held);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_include, 2);
    filterRow->addWidget(m_exclude, 2);
    filterRow->addWidget(m_highlight, 2);
    filterRow->addWidget(m_caseSensitive);
    auto *viewRow = new QHBoxLayout;
    viewRow->addWidget(m_timestamps);
    viewRow->addWidget(m_wrap);
    viewRow->addWidget(m_json);
    viewRow->addWidget(m_fields, 1);
    viewRow->addWidget(saveShown);
    viewRow->addWidget(saveAll);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addLayout(sourceRow);
    layout->addLayout(filterRow);
    layout->addLayout(viewRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    connect(m_source->lineEdit(), &QLineEdit::returnPressed, this, [this] { openLogs(m_source->currentText()); });
    connect(m_source, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { openLogs(m_source->itemText(index)); });
    for (auto *edit : {m_include, m_exclude, m_highlight})
        connect(edit, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_caseSensitive, &QCheckBox::toggled, this, &LogView::applyFilter);
    m_filterDelay->setObjectName(QStringLiteral("logFilterDelay")); // tests wait for it to fire
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(250); // typing a pattern refilters once, when the typing pauses
    connect(m_filterDelay, &QTimer::timeout, this, &LogView::applyFilter);
    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_model->setPaused(paused);
        m_pause->setText(paused ? tr("Follow") : tr("Pause"));
        updateStatus();
    });
    // The counts under a flood change on every turn of the event loop; a status line redrawn
    // (and the row laid out again) that often is only cost: four times a second is enough.
    m_statusDelay->setSingleShot(true);
    connect(m_statusDelay, &QTimer::timeout, this, &LogView::updateStatus);
    for (auto signal : {&LogModel::idle, &LogModel::filterApplied})
        connect(m_model, signal, this, &LogView::scheduleStatus);
    connect(m_model, &LogModel::heldCountChanged, this, &LogView::scheduleStatus);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &LogView::scheduleStatus);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogView::scheduleStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LogView::scheduleStatus);
    // JSON logs read better as fields: switch to them when the first lines are JSON, unless
    // the user has chosen.
    connect(m_json, &QCheckBox::clicked, this, [this] { m_jsonDecided = true; });
    connect(m_model, &LogModel::idle, this, [this] {
        if (m_jsonDecided || m_model->rowCount() == 0)
            return;
        m_jsonDecided = true;
        const int sample = std::min(20, m_model->rowCount());
        for (int row = 0; row < sample; ++row) {
            if (!m_model->index(row, 0).data(LogModel::RawTextRole).toString().startsWith(QLatin1Char('{')))
                return;
        }
        m_json->setChecked(true);
    });
    for (QCheckBox *box : {m_timestamps, m_json})
        connect(box, &QCheckBox::toggled, this, &LogView::updateColumns);
    connect(m_fields, &QLineEdit::editingFinished, this, &LogView::updateColumns);
    connect(m_wrap, &QCheckBox::toggled, this, [this](bool wrap) {
        // Wrapping sizes the rows on screen only: measuring a million rows would stall.
        m_table->setWordWrap(wrap);
        m_table->verticalHeader()->setSectionResizeMode(wrap ? QHeaderView::Interactive : QHeaderView::Fixed);
        if (!wrap)
            m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
        followTail();
    });
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_atBottom = value >= m_table->verticalScrollBar()->maximum();
        if (m_wrap->isChecked()) {
            const int first = m_table->rowAt(0);
            const int last = m_table->rowAt(m_table->viewport()->height());
            for (int row = std::max(0, first); row <= (last < 0 ? m_model->rowCount() - 1 : last); ++row)
                m_table->resizeRowToContents(row);
        }
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &LogView::followTail);
    // Changing what history to fetch opens the streams again.
    connect(m_tail, &QSpinBox::editingFinished, this, &LogView::restart);
    connect(m_since, qOverload<int>(&QComboBox::activated), this, &LogView::restart);
    connect(m_previous, &QCheckBox::toggled, this, &LogView::restart);
    auto save = [this](bool onlyShown) {
        const QString path
            = QFileDialog::getSaveFileName(this, onlyShown ? tr("Save the shown lines") : tr("Save all lines"),
                                           QStringLiteral("logs.txt"), tr("Text files (*.txt *.log)"));
        if (!path.isEmpty())
            saveTo(path, onlyShown);
    };
    connect(saveAll, &QPushButton::clicked, this, [save] { save(false); });
    connect(saveShown, &QPushButton::clicked, this, [save] { save(true); });
    updateColumns();
    updateStatus();
}

LogView::~LogView() = default;

void LogView::setSession(Core::Environment::EnvironmentSession *session)
{
    delete m_logSet; // its streams end with it
    // The same source follows to the next environment (its Deployments have the same names).
    if (m_pendingSource.isEmpty())
        m_pendingSource = m_source->currentText().trimmed();
    m_session = session;
    m_model->clear();
    m_banner->clear();
    m_source->clear();
    if (session)
        connect(session, &Core::Environment::EnvironmentSession::ready, this, &LogView::fillSources);
    fillSources();
    updateStatus();
}

void LogView::fillSources()
{
    if (!m_session || !m_session->deployments())
        return;
    const QString typed = m_pendingSource.isEmpty() ? m_source->currentText() : m_pendingSource;
    m_source->clear();
    auto names = [](Core::Kube::ResourceCache *cache) {
        QStringList list;
        if (cache) {
            for (const QJsonObject &object : cache->objects())
                list.append(object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString());
        }
        list.sort();
        return list;
    };
    for (const QString &name : names(m_session->deployments()))
        m_source->addItem(QStringLiteral("deployment/") + name);
    for (const QString &name : names(m_session->services()))
        m_source->addItem(QStringLiteral("service/") + name);
    m_source->setCurrentText(typed);
    for (Core::Kube::ResourceCache *cache : {m_session->deployments(), m_session->services()}) {
        if (cache && !cache->isSynced())
            connect(cache, &Core::Kube::ResourceCache::synced, this, &LogView::fillSources, Qt::UniqueConnection);
    }
    if (!m_pendingSource.isEmpty())
        openLogs(m_pendingSource);
}

std::optional<LogTarget> LogView::resolve(const QString &source, QString *problem) const
{
    if (!m_session || !m_session->client()) {
        *problem = tr("Not connected to the cluster yet.");
        return std::nullopt;
    }
    LogTarget target;
    target.namespaceName = m_session->environment().namespaceName;
    target.title = source.trimmed();
    // KIND/NAME, or KIND/NAME/CONTAINER for one container of each pod.
    const QString kind = target.title.section(QLatin1Char('/'), 0, 0);
    const QString name = target.title.section(QLatin1Char('/'), 1, 1);
    target.container = target.title.section(QLatin1Char('/'), 2, 2);
    // A Deployment selects by spec.selector.matchLabels, a Service by spec.selector.
    auto specSelector = [&](Core::Kube::ResourceCache *cache) {
        return cache ? cache->object(target.namespaceName, name)
                           .value(QLatin1String("spec"))
                           .toObject()
                           .value(QLatin1String("selector"))
                           .toObject()
                     : QJsonObject();
    };
    if (kind == QLatin1String("pod") && !name.isEmpty()) {
        target.pod = name;
    } else if (kind == QLatin1String("deployment") || kind == QLatin1String("service")) {
        target.labelSelector = kind == QLatin1String("deployment")
            ? Core::Kube::selectorText(
                specSelector(m_session->deployments()).value(QLatin1String("matchLabels")).toObject())
            : Core::Kube::selectorText(specSelector(m_session->services()));
        if (target.labelSelector.isEmpty()) {
            *problem = tr("%1 was not found in %2, or selects no pods.").arg(target.title, target.namespaceName);
            return std::nullopt;
        }
    } else if (target.title.contains(QLatin1Char('='))) {
        target.labelSelector = target.title;
    } else {
        *problem = tr("'%1' is not a log source: write deployment/NAME, service/NAME, pod/NAME or a label "
                      "selector such as app=wallet-service.")
                       .arg(target.title);
        return std::nullopt;
    }
    return target;
}

void LogView::openLogs(const QString &source)
{
    if (m_source->currentText() != source)
        m_source->setCurrentText(source);
    // Before the session's caches have listed, a Deployment's selector is not known yet: the
    // logs open as soon as it is.
    if (!m_session || !m_session->deployments() || !m_session->deployments()->isSynced()
        || (m_session->services() && !m_session->services()->isSynced())) {
        m_pendingSource = source;
        return;
    }
    m_pendingSource.clear();
    restart();
}

void LogView::restart()
{
    delete m_logSet;
    m_jsonDecided = m_json->isChecked();
    m_model->clear();
    m_banner->clear();
    const QString source = m_source->currentText().trimmed();
    if (source.isEmpty())
        return;
    QString problem;
    const auto target = resolve(source, &problem);
    if (!target) {
        m_banner->showMessages(InlineBanner::Severity::Warning, {problem});
        updateStatus();
        return;
    }
    Core::Kube::LogOptions options;
    options.tailLines = m_tail->value() > 0 ? m_tail->value() : -1;
    options.sinceSeconds = m_since->currentData().toInt();
    options.previous = m_previous->isChecked();
    auto *set = new PodLogSet(m_session->client(), *target, options, this);
    m_logSet = set;
    connect(set, &PodLogSet::sourceAdded, this, [this](int index, const Core::Logs::LogSource &source) {
        m_model->addSource(index, source);
        updateStatus();
        Q_EMIT streamsChanged();
    });
    connect(set, &PodLogSet::sourceEnded, this, [this](int index) {
        m_model->endSource(index);
        updateStatus();
        Q_EMIT streamsChanged();
    });
    connect(set, &PodLogSet::linesArrived, m_model, &LogModel::appendLines);
    set->setFilter(m_model->filter(), m_model->filterVersion()); // judged where the lines are parsed
    connect(set, &PodLogSet::problem, this,
            [this](const QString &sentence) { m_banner->showMessages(InlineBanner::Severity::Warning, {sentence}); });
    // Once every stream and the pod watch that failed work again, the warning is history.
    connect(set, &PodLogSet::recovered, m_banner, &InlineBanner::clear);
    set->start();
    updateStatus();
}

void LogView::applyFilter()
{
    LogFilter filter;
    filter.include = m_include->text();
    filter.exclude = m_exclude->text();
    filter.highlight = m_highlight->text();
    filter.caseSensitive = m_caseSensitive->isChecked();
    // A mistake is marked on its own field; the banner stays for the streams' news.
    bool valid = true;
    for (const auto &[edit, what] : {std::pair{m_include, tr("filter")}, std::pair{m_exclude, tr("exclude")},
                                     std::pair{m_highlight, tr("highlight")}}) {
        const QRegularExpression expression(edit->text());
        const bool wrong = !edit->text().isEmpty() && !expression.isValid();
        setFieldProblem(edit,
                        wrong ? tr("The %1 expression is not valid at character %2: %3. The last valid "
                                   "filter stays until it is corrected.")
                                    .arg(what)
                                    .arg(expression.patternErrorOffset())
                                    .arg(expression.errorString())
                              : QString());
        valid = valid && !wrong;
    }
    if (!valid)
        return;
    m_model->setFilter(filter);
    if (m_logSet)
        m_logSet->setFilter(filter, m_model->filterVersion());
}

void LogView::updateColumns()
{
    QStringList fields;
    if (m_json->isChecked()) {
        for (const QString &field : m_fields->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            fields.append(field.trimmed());
    }
    if (fields != m_model->jsonFields()) {
        m_model->setJsonFields(fields);
        m_table->resizeColumnsToContents(); // measures the rows on screen only
    }
    m_table->setColumnHidden(LogModel::TimeColumn, !m_timestamps->isChecked());
    m_table->setColumnWidth(LogModel::TimeColumn,
                            m_table->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000 ")));
    m_table->setColumnWidth(
        LogModel::PodColumn,
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("notification-service-abcde-fghij ")));
    if (fields.isEmpty())
        m_table->setColumnWidth(LogModel::LevelColumn,
                                m_table->fontMetrics().horizontalAdvance(QStringLiteral("error ")));
}

void LogView::followTail()
{
    if (!m_model->isPaused() && m_atBottom)
        m_table->scrollToBottom();
}

void LogView::scheduleStatus()
{
    if (m_statusDelay->isActive())
        return;
    constexpr qint64 intervalMs = 250;
    const qint64 since = m_lastStatus.isValid() ? m_lastStatus.elapsed() : intervalMs;
    m_statusDelay->start(int(std::max<qint64>(0, intervalMs - since)));
}

void LogView::updateStatus()
{
    m_lastStatus.start();
    const qsizetype held = m_model->heldCount();
    m_held->setText(m_model->isPaused() ? tr("%n new line(s) held", nullptr, int(held)) : QString());
    int running = 0;
    int ended = 0;
    for (const auto &source : m_model->sources())
        (source.ended ? ended : running) += 1;
    m_status->setText(tr("%1 lines shown of %2 in the buffer · %3 streaming, %4 ended")
                          .arg(m_model->rowCount())
                          .arg(m_model->buffer().size())
                          .arg(running)
                          .arg(ended));
}

bool LogView::saveTo(const QString &path, bool onlyShown)
{
    QString error;
    if (!m_model->save(path, onlyShown, m_timestamps->isChecked(), &error)) {
        m_banner->showMessages(InlineBanner::Severity::Error, {error});
        return false;
    }
    m_banner->showMessages(InlineBanner::Severity::Info, {tr("Saved to %1.").arg(path)});
    return true;
}

} // namespace Lucent::Ui
