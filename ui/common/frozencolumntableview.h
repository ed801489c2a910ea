#pragma once

#include <QTableView>

namespace Lucent::Ui {

/// A table whose first column stays in place while the others scroll sideways, so that a
/// row's name is always in sight on a narrow window. A second view, sharing the model and
/// the selection, draws the first column over the left edge. Tab leaves the table (arrows
/// move within it), as in any form.
class FrozenColumnTableView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FrozenColumnTableView)

public:
    explicit FrozenColumnTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    /// The view that draws the frozen column; for tests.
    QTableView *frozenView() const { return m_frozen; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;

private:
    void hideScrollingColumns();
    void updateFrozenGeometry();

    QTableView *m_frozen;
};

} // namespace Lucent::Ui
