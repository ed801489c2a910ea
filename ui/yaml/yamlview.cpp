#include "ui/yaml/yamlview.h"

#include "ui/yaml/syntaxrepository.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QEvent>
#include <QFontDatabase>

namespace Lucent::Ui {

YamlView::YamlView(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new KSyntaxHighlighting::SyntaxHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_highlighter->setDefinition(syntaxRepository().definitionForName(QStringLiteral("YAML")));
    applyTheme();
}

YamlView::~YamlView() = default;

QString YamlView::themeName() const
{
    return m_highlighter->theme().name();
}

void YamlView::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

void YamlView::applyTheme()
{
    applyPaletteTheme(m_highlighter, palette());
}

} // namespace Lucent::Ui
