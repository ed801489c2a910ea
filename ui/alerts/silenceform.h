#pragma once

#include "core/prometheus/alertmanager.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;

namespace Lucent::Ui {

/// The fields of a new silence: matchers, how long, who and why. Alertmanager needs all of
/// them; until they are complete, validityChanged(false) and a sentence say what is missing.
class SilenceForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SilenceForm)

public:
    explicit SilenceForm(const Lucent::Core::Prometheus::Silence &draft, QWidget *parent = nullptr);

    /// The silence as filled in, starting now; nothing when the form is incomplete.
    std::optional<Lucent::Core::Prometheus::Silence> silence() const;
    QString problem() const { return m_problem; }

Q_SIGNALS:
    void validityChanged(bool valid);

private:
    void validate();

    QLineEdit *m_matchers = nullptr;
    QComboBox *m_duration = nullptr;
    QLineEdit *m_createdBy = nullptr;
    QLineEdit *m_comment = nullptr;
    QLabel *m_error = nullptr;
    QString m_problem;
};

} // namespace Lucent::Ui
