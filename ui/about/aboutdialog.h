#pragma once

#include <QDialog>

namespace Lucent::Ui {

/// Help → About: the console's version and the versions of the libraries it runs with.
/// Each version label is named "version_<library>" so tests and bug reports can find it.
class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(QWidget *parent = nullptr);
};

} // namespace Lucent::Ui
