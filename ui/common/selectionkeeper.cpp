#include "ui/common/selectionkeeper.h"

#include <QAbstractItemModel>
#include <QItemSelectionModel>

namespace Lucent::Ui {

SelectionKeeper::SelectionKeeper(QAbstractItemModel *model, int keyRole, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_keyRole(keyRole)
{
    // During a change Qt may move the cursor (to a neighbour of a removed row): that move is
    // the model's, not a choice. After it, the choice is put back.
    connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &SelectionKeeper::beginChange);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &SelectionKeeper::endChange);
    connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this, &SelectionKeeper::beginChange);
    connect(model, &QAbstractItemModel::rowsMoved, this, &SelectionKeeper::endChange);
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &SelectionKeeper::beginChange);
    connect(model, &QAbstractItemModel::modelReset, this, &SelectionKeeper::endChange);
    connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, &SelectionKeeper::beginChange);
    connect(model, &QAbstractItemModel::layoutChanged, this, &SelectionKeeper::endChange);
    // An inserted row may be the chosen one coming back.
    connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_changing == 0)
            restore();
    });
}

void SelectionKeeper::follow(QItemSelectionModel *selection)
{
    Q_ASSERT(selection->model() == m_model);
    m_selection = selection;
    connect(selection, &QItemSelectionModel::currentRowChanged, this, &SelectionKeeper::onCurrentChanged);
}

void SelectionKeeper::forget()
{
    m_wanted.clear();
    announce();
}

QString SelectionKeeper::keyOf(const QModelIndex &index) const
{
    return index.isValid() ? index.siblingAtColumn(0).data(m_keyRole).toString() : QString();
}

void SelectionKeeper::onCurrentChanged()
{
    if (m_changing > 0)
        return; // the model's move: restore() decides once the change is over
    m_wanted = keyOf(m_selection->currentIndex());
    announce();
}

void SelectionKeeper::beginChange()
{
    ++m_changing;
}

void SelectionKeeper::endChange()
{
    m_changing = std::max(0, m_changing - 1);
    if (m_changing == 0)
        restore();
}

void SelectionKeeper::restore()
{
    if (!m_selection)
        return;
    if (!m_wanted.isEmpty() && keyOf(m_selection->currentIndex()) != m_wanted) {
        const QModelIndexList found = m_model->match(m_model->index(0, 0), m_keyRole, m_wanted, 1, Qt::MatchExactly);
        ++m_changing; // putting the choice back is not a new choice
        if (!found.isEmpty())
            m_selection->setCurrentIndex(found.constFirst(),
                                         QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        else
            m_selection->setCurrentIndex({}, QItemSelectionModel::Clear); // gone for now: nothing stands in
        --m_changing;
    }
    announce();
}

void SelectionKeeper::announce()
{
    const QString key = m_selection ? keyOf(m_selection->currentIndex()) : QString();
    if (key == m_announced)
        return;
    m_announced = key;
    Q_EMIT currentKeyChanged(key);
}

} // namespace Lucent::Ui
