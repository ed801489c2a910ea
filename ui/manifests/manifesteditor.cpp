#include "ui/manifests/manifesteditor.h"

#include "core/bounds/filebounds.h"

#include "ui/common/palette.h"
#include "ui/yaml/syntaxrepository.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QSaveFile>
#include <QTextBlock>
#include <QTimer>
#include <QToolTip>

namespace Lucent::Ui {

using Lucent::Core::Validation::Problem;
using Lucent::Core::Validation::Severity;

namespace {

class Gutter final : public QWidget
{
public:
    explicit Gutter(ManifestEditor *editor)
        : QWidget(editor)
        , m_editor(editor)
    {
        setMouseTracking(true);
    }
    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            // Forwarded to the editor, which knows the problems per line.
            auto *help = static_cast<QHelpEvent *>(event);
            QHelpEvent forwarded(QEvent::ToolTip, QPoint(-1, help->pos().y()), help->globalPos());
            return QCoreApplication::sendEvent(m_editor, &forwarded);
        }
        return QWidget::event(event);
    }

private:
    ManifestEditor *m_editor;
};

QColor severityColor(Severity severity, bool dark)
{
    switch (severity) {
    case Severity::Error: return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd0, 0x1f, 0x1f);
    case Severity::Warning: return dark ? QColor(0xf5, 0xc2, 0x42) : QColor(0xc7, 0x7c, 0x02);
    case Severity::Info: return dark ? QColor(0x6c, 0xb6, 0xff) : QColor(0x1f, 0x6f, 0xd0);
    }
    return {};
}

} // namespace

ManifestEditor::ManifestEditor(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new KSyntaxHighlighting::SyntaxHighlighter(document()))
    , m_gutter(new Gutter(this))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTabChangesFocus(false);
    // YAML forbids tabs for indentation; two spaces is what kubectl and the manifests use.
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    m_highlighter->setDefinition(syntaxRepository().definitionForName(QStringLiteral("YAML")));
    applyTheme();
    connect(this, &QPlainTextEdit::blockCountChanged, this, &ManifestEditor::updateGutterWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &ManifestEditor::updateGutter);
    connect(this, &QPlainTextEdit::cursorPositionChanged, m_gutter, qOverload<>(&QWidget::update));
    updateGutterWidth();
}

ManifestEditor::~ManifestEditor() = default;

bool ManifestEditor::load(const QString &path, QString *error)
{
    const QFileInfo info(path);
    // Manifests are kilobytes; a file this size is a dump or not YAML at all, and reading it
    // here would hold the window.
    if (info.isFile() && info.size() > MaxFileSize) {
        if (error)
            *error = tr("%1 is %2 MB, too large to edit here; check it with 'lucent-console validate %1'.")
                         .arg(info.fileName())
                         .arg(info.size() / (1024 * 1024));
        return false;
    }
    // Bounded also for what reports no size: a device such as /dev/zero never ends.
    QString problem;
    const auto contents = Core::FileBounds::read(path, MaxFileSize, &problem);
    if (!contents) {
        if (error)
            *error = tr("%1 cannot be opened: it %2.").arg(info.fileName(), problem);
        return false;
    }
    m_path = path;
    setPlainText(QString::fromUtf8(*contents));
    document()->setModified(false);
    return true;
}

bool ManifestEditor::save(QString *error)
{
    // The previous contents survive as FILE~ until the next save: one step back even
    // outside version control.
    const QString backup = m_path + QLatin1Char('~');
    if (QFile::exists(m_path)) {
        QFile::remove(backup);
        if (!QFile::copy(m_path, backup)) {
            if (error)
                *error = tr("%1 was not saved: the backup %2 could not be written. Check the folder's permissions.")
                             .arg(QFileInfo(m_path).fileName(), QFileInfo(backup).fileName());
            return false;
        }
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("%1 was not saved: %2.").arg(QFileInfo(m_path).fileName(), file.errorString());
        return false;
    }
    file.write(toPlainText().toUtf8());
    if (!file.commit()) {
        if (error)
            *error = tr("%1 was not saved: %2. The file on disk is unchanged.")
                         .arg(QFileInfo(m_path).fileName(), file.errorString());
        return false;
    }
    document()->setModified(false);
    return true;
}

bool ManifestEditor::isModified() const
{
    return document()->isModified();
}

void ManifestEditor::setProblems(const QList<Problem> &problems)
{
    m_problems = problems;
    const bool dark = isDark(palette());
    QList<QTextEdit::ExtraSelection> selections;
    for (const auto &p : problems) {
        const QTextBlock block = document()->findBlockByNumber(p.line - 1);
        if (!block.isValid())
            continue;
        QTextCursor cursor(block);
        const int start = std::min(p.column - 1, std::max(0, block.length() - 1));
        cursor.setPosition(block.position() + start);
        const int end = std::min(block.position() + block.length() - 1, cursor.position() + std::max(1, p.length));
        cursor.setPosition(std::max(end, cursor.position()), QTextCursor::KeepAnchor);
        QTextEdit::ExtraSelection selection;
        selection.cursor = cursor;
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(severityColor(p.severity, dark));
        selection.format.setToolTip(p.message);
        selections.append(selection);
    }
    setExtraSelections(selections);
    m_gutter->update();
}

QMap<int, Severity> ManifestEditor::gutterMarks() const
{
    QMap<int, Severity> marks;
    for (const auto &p : m_problems) {
        auto it = marks.find(p.line);
        if (it == marks.end() || int(p.severity) < int(*it))
            marks.insert(p.line, p.severity);
    }
    return marks;
}

void ManifestEditor::goTo(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.setPosition(block.position() + std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
    setTextCursor(cursor);
    centerCursor();
    // Again once laid out: a file opened before the window is shown has no height yet.
    QTimer::singleShot(0, this, [this] { centerCursor(); });
    setFocus(Qt::OtherFocusReason);
}

QString ManifestEditor::themeName() const
{
    return m_highlighter->theme().name();
}

int ManifestEditor::gutterWidth() const
{
    const int digits = QString::number(std::max(1, blockCount())).size();
    // Numbers, then room for a severity mark.
    return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits) + fontMetrics().height();
}

void ManifestEditor::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const QPalette pal = palette();
    const bool dark = isDark(pal);
    painter.fillRect(event->rect(), pal.color(QPalette::Window));
    const auto marks = gutterMarks();
    const int markSize = fontMetrics().height() - 6;
    QTextBlock block = firstVisibleBlock();
    int top = int(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + int(blockBoundingRect(block).height());
    const int current = textCursor().blockNumber();
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int number = block.blockNumber() + 1;
            painter.setPen(block.blockNumber() == current ? pal.color(QPalette::Text)
                                                          : pal.color(QPalette::PlaceholderText));
            painter.drawText(0, top, m_gutter->width() - fontMetrics().height() - 4, fontMetrics().height(),
                             Qt::AlignRight, QString::number(number));
            if (auto it = marks.constFind(number); it != marks.constEnd()) {
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(Qt::NoPen);
                painter.setBrush(severityColor(*it, dark));
                painter.drawEllipse(QRect(m_gutter->width() - fontMetrics().height() + 1, top + 3, markSize, markSize));
                painter.setRenderHint(QPainter::Antialiasing, false);
            }
        }
        block = block.next();
        top = bottom;
        bottom = top + int(blockBoundingRect(block).height());
    }
}

void ManifestEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_gutter->setGeometry(QRect(r.left(), r.top(), gutterWidth(), r.height()));
}

void ManifestEditor::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        setProblems(m_problems); // underline colours follow the theme
    }
}

bool ManifestEditor::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const bool gutter = help->pos().x() < 0;
        const QString text
            = problemTextAt(gutter ? QPoint(0, help->pos().y()) : viewport()->mapFrom(this, help->pos()), gutter);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QPlainTextEdit::event(event);
}

QString ManifestEditor::problemTextAt(const QPoint &pos, bool inGutter) const
{
    const QTextCursor cursor = cursorForPosition(pos);
    const int line = cursor.blockNumber() + 1;
    const int column = cursor.positionInBlock() + 1;
    QStringList lines;
    for (const auto &p : m_problems) {
        if (p.line == line && (inGutter || (column >= p.column && column <= p.column + p.length)))
            lines.append(QStringLiteral("%1: %2 [%3]")
                             .arg(Lucent::Core::Validation::severityName(p.severity), p.message, p.ruleId));
    }
    return lines.join(QLatin1Char('\n'));
}

void ManifestEditor::applyTheme()
{
    applyPaletteTheme(m_highlighter, palette());
}

void ManifestEditor::updateGutterWidth()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

void ManifestEditor::updateGutter(const QRect &rect, int dy)
{
    if (dy)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

} // namespace Lucent::Ui
