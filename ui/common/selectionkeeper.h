#pragma once

#include <QObject>
#include <QPersistentModelIndex>

class QAbstractItemModel;
class QItemSelectionModel;

namespace Lucent::Ui {

/// Keeps a view's current row on the item the user chose, named by a key (a Service's name),
/// whatever the model does meanwhile: a row removed and inserted again (a relist, a Service
/// deleted and created anew), a filter that hides it for a while, a reset. Qt keeps the
/// current index across moves and re-sorts by itself, but a removed current row hands the
/// cursor to its neighbour, and the neighbour is not what the user chose.
///
/// What the user chose changes only by the user's (or the program's) own selection, never by
/// the model's changes. While the chosen item is absent nothing is current; when an item of
/// that key comes back, it is current again.
class SelectionKeeper final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SelectionKeeper)

public:
    /// Watches @p model, whose @p keyRole names an item in column 0. Make it before a view is
    /// given @p model: its signals must reach this first, before the view and its selection
    /// model move the cursor off a row about to go.
    SelectionKeeper(QAbstractItemModel *model, int keyRole, QObject *parent = nullptr);
    /// Keeps the current row of @p selection, the view's selection model of the same model.
    void follow(QItemSelectionModel *selection);

    /// The key of the item the user chose; empty when none.
    QString wanted() const { return m_wanted; }
    /// Forgets the choice (a new environment): the next current row is the new choice.
    void forget();

Q_SIGNALS:
    /// The current row's key changed, by the user or by a restoration: what a detail view
    /// follows. Empty while nothing is current. Not emitted for a model's passing moves.
    void currentKeyChanged(const QString &key);

private:
    void onCurrentChanged();
    void beginChange();
    void endChange();
    void restore();
    QString keyOf(const QModelIndex &index) const;
    void announce();

    QAbstractItemModel *m_model = nullptr;
    QItemSelectionModel *m_selection = nullptr;
    int m_keyRole = 0;
    QString m_wanted;
    QString m_announced; ///< the key last told by currentKeyChanged
    int m_changing = 0; ///< nested model changes under way: moves of the cursor are the model's
};

} // namespace Lucent::Ui
