#include "ui/manifests/problemsmodel.h"

#include <QApplication>
#include <QDir>
#include <QPalette>
#include <QStyle>

namespace Lucent::Ui {

using Lucent::Core::Validation::Severity;

ProblemsModel::ProblemsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ProblemsModel::setProblems(const QList<Lucent::Core::Validation::Problem> &problems)
{
    beginResetModel();
    m_problems = problems;
    endResetModel();
}

void ProblemsModel::setBaseDirectory(const QString &directory)
{
    beginResetModel();
    m_base = directory;
    endResetModel();
}

int ProblemsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_problems.size());
}

int ProblemsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &p = m_problems.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn: return Lucent::Core::Validation::severityName(p.severity);
        case MessageColumn: return p.message;
        case FileColumn: return m_base.isEmpty() ? p.file : QDir(m_base).relativeFilePath(p.file);
        case PositionColumn: return QStringLiteral("%1:%2").arg(p.line).arg(p.column);
        case RuleColumn: return p.ruleId;
        }
        return {};
    case Qt::ToolTipRole: return index.column() == MessageColumn ? p.message : QVariant();
    case Qt::DecorationRole:
        if (index.column() != SeverityColumn)
            return {};
        return QApplication::style()->standardIcon(p.severity == Severity::Error ? QStyle::SP_MessageBoxCritical
                                                       : p.severity == Severity::Warning
                                                       ? QStyle::SP_MessageBoxWarning
                                                       : QStyle::SP_MessageBoxInformation);
    case FileRole: return p.file;
    case LineRole: return p.line;
    case ColumnRole: return p.column;
    case SeverityRole: return int(p.severity);
    case RuleRole: return p.ruleId;
    }
    return {};
}

QVariant ProblemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case MessageColumn: return tr("Problem");
    case FileColumn: return tr("File");
    case PositionColumn: return tr("Line");
    case RuleColumn: return tr("Rule");
    }
    return {};
}

} // namespace Lucent::Ui
