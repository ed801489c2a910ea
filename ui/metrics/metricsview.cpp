#include "ui/metrics/metricsview.h"

#include "core/environment/environmentsession.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "ui/common/inlinebanner.h"
#include "ui/metrics/metricchart.h"
#include "ui/metrics/rangequery.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Prometheus::PrometheusReply;
using Core::Prometheus::PrometheusResponse;

MetricsView::MetricsView(QWidget *parent)
    : QWidget(parent)
    , m_service(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_autoRefresh(new QCheckBox(tr("Auto-refresh"), this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_promql(new QComboBox(this))
    , m_promqlError(new QLabel(this))
    , m_banner(new InlineBanner(this))
    , m_rate(new MetricChart(tr("Request rate"), tr("requests/s"), this))
    , m_errors(new MetricChart(tr("Error ratio (5xx)"), tr("ratio"), this))
    , m_latency(new MetricChart(tr("p95 latency"), tr("seconds"), this))
    , m_query(new MetricChart(tr("Query"), QString(), this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("metricsView"));
    m_service->setObjectName(QStringLiteral("metricsService"));
    m_service->setMinimumContentsLength(20);
    m_range->setObjectName(QStringLiteral("metricsRange"));
    for (const auto &[label, seconds] :
         {std::pair{"Last 5 minutes", 300}, std::pair{"Last 15 minutes", 900}, std::pair{"Last hour", 3600},
          std::pair{"Last 6 hours", 21600}, std::pair{"Last 24 hours", 86400}})
        m_range->addItem(tr(label), seconds);
    m_range->addItem(tr("Custom"), -1);
    m_range->setCurrentIndex(1);
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setCalendarPopup(true);
        edit->hide();
        connect(edit, &QDateTimeEdit::editingFinished, this, &MetricsView::refresh);
    }
    m_from->setObjectName(QStringLiteral("metricsFrom"));
    m_to->setObjectName(QStringLiteral("metricsTo"));
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_range->currentData().toLongLong() < 0;
        if (custom && !m_from->isVisible()) {
            m_to->setDateTime(QDateTime::currentDateTime());
            m_from->setDateTime(m_to->dateTime().addSecs(-3600));
        }
        m_from->setVisible(custom);
        m_to->setVisible(custom);
    });
    m_autoRefresh->setObjectName(QStringLiteral("metricsAutoRefresh"));
    m_autoRefresh->setChecked(true);
    m_timer->setInterval(10000);
    connect(m_autoRefresh, &QCheckBox::toggled, this, [this](bool on) { on ? m_timer->start() : m_timer->stop(); });
    connect(m_timer, &QTimer::timeout, this, &MetricsView::refresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, &MetricsView::refresh);
    connect(m_service, &QComboBox::currentIndexChanged, this, &MetricsView::refresh);

    m_rate->setLegendLabel(QStringLiteral("version"));
    m_errors->setLegendLabel(QStringLiteral("version"));
    m_latency->setLegendLabel(QStringLiteral("version"));
    m_errors->setThreshold(0.1, tr("HighErrorRate threshold")); // the seed's rule: > 0.1
    m_latency->setThreshold(1.0, tr("HighResponseTime threshold")); // the seed's rule: p95 > 1 s
    m_rate->setObjectName(QStringLiteral("rateChart"));
    m_errors->setObjectName(QStringLiteral("errorChart"));
    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_query->setObjectName(QStringLiteral("queryChart"));

    m_promql->setObjectName(QStringLiteral("promqlBox"));
    m_promql->setEditable(true);
    m_promql->setInsertPolicy(QComboBox::NoInsert); // history is kept by runQuery()
    m_promql->lineEdit()->setPlaceholderText(tr("PromQL, e.g. sum by (app) (rate(http_requests_total[5m]))"));
    connect(m_promql->lineEdit(), &QLineEdit::returnPressed, this, [this] { runQuery(m_promql->currentText()); });
    m_promqlError->setObjectName(QStringLiteral("promqlError"));
    m_promqlError->setWordWrap(true);
    m_promqlError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_promqlError->setStyleSheet(QStringLiteral("color: #d13b3b"));
    m_promqlError->hide();

    auto *resetZoom = new QPushButton(tr("Reset zoom"), this);
    resetZoom->setObjectName(QStringLiteral("metricsResetZoom"));
    connect(resetZoom, &QPushButton::clicked, this, [this] {
        for (MetricChart *chart : {m_rate, m_errors, m_latency, m_query})
            chart->resetZoom();
    });
    auto *png = new QPushButton(tr("Export PNG…"), this);
    png->setObjectName(QStringLiteral("metricsExportPng"));
    connect(png, &QPushButton::clicked, this, &MetricsView::onExportPng);
    auto *csv = new QPushButton(tr("Export CSV…"), this);
    csv->setObjectName(QStringLiteral("metricsExportCsv"));
    connect(csv, &QPushButton::clicked, this, &MetricsView::onExportCsv);
    auto *run = new QPushButton(tr("Run"), this);
    run->setObjectName(QStringLiteral("promqlRun"));
    connect(run, &QPushButton::clicked, this, [this] { runQuery(m_promql->currentText()); });

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Service:"), this));
    top->addWidget(m_service);
    top->addWidget(m_range);
    top->addWidget(m_from);
    top->addWidget(m_to);
    top->addWidget(m_autoRefresh);
    top->addStretch(1);
    top->addWidget(resetZoom);
    top->addWidget(png);
    top->addWidget(csv);
    auto *queryRow = new QHBoxLayout;
    queryRow->addWidget(m_promql, 1);
    queryRow->addWidget(run);
    auto *charts = new QGridLayout;
    charts->addWidget(m_rate, 0, 0);
    charts->addWidget(m_errors, 0, 1);
    charts->addWidget(m_latency, 1, 0);
    charts->addWidget(m_query, 1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addLayout(queryRow);
    layout->addWidget(m_promqlError);
    layout->addLayout(charts, 1);
}

void MetricsView::setSession(Core::Environment::EnvironmentSession *session)
{
    for (RangeQuery *query : std::as_const(m_queries))
        query->cancel(); // answers for the previous environment are dropped
    m_pending = 0;
    m_session = session;
    delete m_client;
    m_client = nullptr;
    m_banner->clear();
    m_timer->stop();
    const QSignalBlocker blocker(m_service);
    m_service->clear();
    if (!session)
        return;
    const auto &env = session->environment();
    if (env.prometheusUrl.isEmpty()) {
        m_banner->showMessages(
            InlineBanner::Severity::Info,
            {tr("%1 names no Prometheus. Add 'prometheus: URL' to it in lucent.yaml to see metrics.").arg(env.name)});
        return;
    }
    m_client = new Core::Prometheus::PrometheusClient(QUrl(env.prometheusUrl), {}, this);
    m_service->addItems(env.services);
    if (m_autoRefresh->isChecked())
        m_timer->start();
    refresh();
}

void MetricsView::setService(const QString &service)
{
    const int index = m_service->findText(service);
    if (index >= 0)
        m_service->setCurrentIndex(index);
}

std::pair<QDateTime, QDateTime> MetricsView::window() const
{
    if (m_range->currentData().toLongLong() < 0)
        return {m_from->dateTime().toUTC(), m_to->dateTime().toUTC()};
    const QDateTime end = QDateTime::currentDateTimeUtc();
    return {end.addSecs(-m_range->currentData().toLongLong()), end};
}

qint64 MetricsView::rangeSeconds() const
{
    const auto [start, end] = window();
    return std::max<qint64>(1, start.secsTo(end));
}

void MetricsView::setCustomRange(const QDateTime &from, const QDateTime &to)
{
    m_from->setDateTime(from.toLocalTime());
    m_to->setDateTime(to.toLocalTime());
    m_range->setCurrentIndex(m_range->findData(-1));
    m_from->setDateTime(from.toLocalTime()); // the index change may have filled in defaults
    m_to->setDateTime(to.toLocalTime());
}

QString MetricsView::selector() const
{
    return QStringLiteral("job=\"lucent-services\",namespace=\"%1\",app=\"%2\"")
        .arg(m_session->environment().namespaceName, m_service->currentText());
}

void MetricsView::refresh()
{
    if (!m_client || m_service->currentText().isEmpty())
        return;
    // A rate window of at least four steps, and never under a minute, keeps lines smooth.
    const qint64 step = PrometheusResponse::stepFor(rangeSeconds(), std::max(200, m_rate->width()));
    const QString window = QStringLiteral("[%1s]").arg(std::max<qint64>(60, 4 * step));
    const QString sel = selector();
    m_pending = 3;
    query(m_rate, QStringLiteral("sum by (version) (rate(http_requests_total{%1}%2))").arg(sel, window), false);
    query(m_errors,
          QStringLiteral("sum by (version) (rate(http_requests_total{%1,status=~\"5..\"}%2)) / sum by (version) "
                         "(rate(http_requests_total{%1}%2))")
              .arg(sel, window),
          false);
    query(m_latency,
          QStringLiteral(
              "histogram_quantile(0.95, sum by (version, le) (rate(http_request_duration_seconds_bucket{%1}%2)))")
              .arg(sel, window),
          false);
}

void MetricsView::runQuery(const QString &promql)
{
    const QString text = promql.trimmed();
    if (text.isEmpty() || !m_client)
        return;
    if (m_promql->findText(text) < 0)
        m_promql->insertItem(0, text);
    while (m_promql->count() > 20)
        m_promql->removeItem(m_promql->count() - 1);
    m_promql->setCurrentText(text);
    query(m_query, text, true);
}

void MetricsView::query(MetricChart *chart, const QString &promql, bool fromBox)
{
    const auto [start, end] = window();
    if (start >= end) {
        m_banner->showMessages(InlineBanner::Severity::Warning, {tr("The custom range ends before it starts.")});
        return;
    }
    const qint64 step = PrometheusResponse::stepFor(rangeSeconds(), std::max(200, chart->width()));
    queryOf(chart).run(m_client, promql, start, end, step,
                       [this, chart, start, end, fromBox](const RangeQuery::Answer &answer) {
                           if (fromBox) {
                               m_promqlError->setText(answer.result ? QString() : answer.error.sentence());
                               m_promqlError->setVisible(!answer.result);
                           } else if (!answer.result) {
                               m_banner->showMessages(InlineBanner::Severity::Error, {answer.error.sentence()});
                           } else {
                               m_banner->clear();
                           }
                           // A failed query empties its chart: the previous answer is not this question's.
                           chart->setResult(answer.result.value_or(Core::Prometheus::QueryResult{}),
                                            start.toLocalTime(), end.toLocalTime());
                           if (!fromBox && --m_pending == 0)
                               Q_EMIT refreshed();
                       });
}

RangeQuery &MetricsView::queryOf(MetricChart *chart)
{
    auto &query = m_queries[chart];
    if (!query)
        query = new RangeQuery(this);
    return *query;
}

void MetricsView::onExportPng()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export charts as PNG"), QStringLiteral("metrics.png"),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty() && !grab().save(path, "PNG"))
        m_banner->showMessages(InlineBanner::Severity::Error, {tr("Cannot write %1.").arg(path)});
}

void MetricsView::onExportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the query chart as CSV"),
                                                      QStringLiteral("metrics.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !m_query->exportCsv(path))
        m_banner->showMessages(InlineBanner::Severity::Error, {tr("Cannot write %1.").arg(path)});
}

} // namespace Lucent::Ui
