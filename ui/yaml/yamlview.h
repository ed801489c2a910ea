#pragma once

#include <QPlainTextEdit>

namespace KSyntaxHighlighting {
class SyntaxHighlighter;
}

namespace Lucent::Ui {

/// A read-only YAML viewer with KSyntaxHighlighting colours that follow the palette
/// (a dark theme on a dark palette).
class YamlView final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(YamlView)

public:
    explicit YamlView(QWidget *parent = nullptr);
    ~YamlView() override;

    /// The name of the KSyntaxHighlighting theme in use.
    QString themeName() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();

    KSyntaxHighlighting::SyntaxHighlighter *m_highlighter = nullptr;
};

} // namespace Lucent::Ui
