#pragma once

#include "ui/common/itemroles.h"

#include "core/validation/problem.h"

#include <QAbstractTableModel>

namespace Lucent::Ui {

/// The validator's findings as a table: severity, message, file, position and rule.
class ProblemsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemsModel)

public:
    enum Column { SeverityColumn, MessageColumn, FileColumn, PositionColumn, RuleColumn, ColumnCount };
    enum Role {
        FileRole = ProblemFileRole,
        LineRole = ProblemLineRole,
        ColumnRole = ProblemColumnRole,
        SeverityRole = ProblemSeverityRole,
        RuleRole = ProblemRuleRole
    };

    explicit ProblemsModel(QObject *parent = nullptr);

    void setProblems(const QList<Lucent::Core::Validation::Problem> &problems);
    const QList<Lucent::Core::Validation::Problem> &problems() const { return m_problems; }
    /// File names are shown relative to this directory.
    void setBaseDirectory(const QString &directory);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Lucent::Core::Validation::Problem> m_problems;
    QString m_base;
};

} // namespace Lucent::Ui
