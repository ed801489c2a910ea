#pragma once

#include "core/validation/problem.h"

#include <QMap>
#include <QPlainTextEdit>

namespace KSyntaxHighlighting {
class SyntaxHighlighter;
}

namespace Lucent::Ui {

/// A YAML editor for one manifest file: KSyntaxHighlighting colours that follow the palette,
/// line numbers, and the validator's problems as wavy underlines with a mark in the gutter
/// (hover either for the message).
class ManifestEditor final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestEditor)

public:
    explicit ManifestEditor(QWidget *parent = nullptr);
    ~ManifestEditor() override;

    static constexpr qint64 MaxFileSize = 8 * 1024 * 1024;

    QString filePath() const { return m_path; }
    /// Reads @p path; on failure leaves the editor as it was and says why in @p error.
    bool load(const QString &path, QString *error);
    /// Writes the text to the file atomically, keeping the previous contents as "FILE~".
    bool save(QString *error);
    bool isModified() const;

    /// This file's problems; replaces the previous ones.
    void setProblems(const QList<Lucent::Core::Validation::Problem> &problems);
    const QList<Lucent::Core::Validation::Problem> &problems() const { return m_problems; }
    /// The worst severity marked in the gutter per 1-based line.
    QMap<int, Lucent::Core::Validation::Severity> gutterMarks() const;
    /// Puts the cursor at a 1-based line and column and shows it.
    void goTo(int line, int column);

    QString themeName() const;
    int gutterWidth() const;
    void paintGutter(QPaintEvent *event);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    void applyTheme();
    void updateGutterWidth();
    void updateGutter(const QRect &rect, int dy);
    QString problemTextAt(const QPoint &viewportPos, bool inGutter) const;

    QString m_path;
    KSyntaxHighlighting::SyntaxHighlighter *m_highlighter = nullptr;
    QWidget *m_gutter = nullptr;
    QList<Lucent::Core::Validation::Problem> m_problems;
};

} // namespace Lucent::Ui
