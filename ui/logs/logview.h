#pragma once

#include "core/logs/logfilter.h"
#include "core/logs/podlogset.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class InlineBanner;
class LogModel;

/// The log table's settings (fixed row height, no word wrap, monospace), also for benchmarks
/// that must measure the table the console shows.
void configureLogTable(QTableView *table);

/// Live logs of a pod, a Deployment, a Service or a label selector: one merged view ordered
/// by time, a colour per pod, follow and pause, tail and since, the previous container,
/// include/exclude/highlight expressions, JSON fields as columns, and save.
class LogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    /// "deployment/NAME", "service/NAME", "pod/NAME" or a label selector ("app=x,color=blue").
    void openLogs(const QString &source);
    /// The target @p source resolves to in the session, or a sentence saying why it cannot.
    std::optional<Lucent::Core::Logs::LogTarget> resolve(const QString &source, QString *problem) const;

    LogModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    Lucent::Core::Logs::PodLogSet *logSet() const { return m_logSet; }
    bool saveTo(const QString &path, bool onlyShown);

Q_SIGNALS:
    void streamsChanged();

private:
    void restart();
    void applyFilter();
    void updateStatus();
    void scheduleStatus();
    void updateColumns();
    void followTail();
    void fillSources();

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    LogModel *m_model = nullptr;
    QPointer<Lucent::Core::Logs::PodLogSet> m_logSet;
    QComboBox *m_source = nullptr;
    QPushButton *m_pause = nullptr;
    QLabel *m_held = nullptr;
    QSpinBox *m_tail = nullptr;
    QComboBox *m_since = nullptr;
    QCheckBox *m_previous = nullptr;
    QCheckBox *m_timestamps = nullptr;
    QCheckBox *m_wrap = nullptr;
    QCheckBox *m_json = nullptr;
    QLineEdit *m_fields = nullptr;
    QLineEdit *m_include = nullptr;
    QLineEdit *m_exclude = nullptr;
    QLineEdit *m_highlight = nullptr;
    QCheckBox *m_caseSensitive = nullptr;
    QLabel *m_status = nullptr;
    InlineBanner *m_banner = nullptr;
    QTableView *m_table = nullptr;
    QTimer *m_filterDelay = nullptr;
    QTimer *m_statusDelay = nullptr;
    QElapsedTimer m_lastStatus;
    QString m_pendingSource; ///< asked for before the session could resolve it
    bool m_atBottom = true;
    bool m_jsonDecided = false; ///< JSON columns were switched by the user or by the first lines
};

} // namespace Lucent::Ui
