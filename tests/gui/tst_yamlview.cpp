#include "ui/yaml/yamlview.h"

#include <QApplication>
#include <QTextBlock>
#include <QTextLayout>
#include <QtTest>

using Lucent::Ui::YamlView;

class TestYamlView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void highlightsYamlWithDistinctFormats();
    void followsADarkPalette();

private:
    // The foreground colour KSyntaxHighlighting gave the first character of @p needle.
    static QColor colourAt(const YamlView &view, const QString &needle);
};

static const char *const Manifest = R"(# user-service, production
apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-service
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: user-service
        image: "lucent/user-service:1.4.2"
)";

QColor TestYamlView::colourAt(const YamlView &view, const QString &needle)
{
    for (QTextBlock block = view.document()->firstBlock(); block.isValid(); block = block.next()) {
        const int at = block.text().indexOf(needle);
        if (at < 0)
            continue;
        for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
            if (range.start <= at && at < range.start + range.length)
                return range.format.foreground().color();
        }
        return {}; // the text is there but nothing formatted it
    }
    return {};
}

void TestYamlView::highlightsYamlWithDistinctFormats()
{
    YamlView view;
    view.setPlainText(QString::fromUtf8(Manifest));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const QColor comment = colourAt(view, QStringLiteral("# user-service"));
    const QColor key = colourAt(view, QStringLiteral("apiVersion"));
    const QColor number = colourAt(view, QStringLiteral("3"));
    const QColor string = colourAt(view, QStringLiteral("\"lucent/"));
    for (const QColor &c : {comment, key, number, string})
        QVERIFY(c.isValid());

    QSet<QRgb> distinct{comment.rgb(), key.rgb(), number.rgb(), string.rgb()};
    QVERIFY2(distinct.size() >= 3, "comments, keys, numbers and strings should not all share one colour");
    QVERIFY(comment != key);
    QVERIFY(key != string);
    QVERIFY(view.isReadOnly());
}

void TestYamlView::followsADarkPalette()
{
    YamlView view;
    const QString lightTheme = view.themeName();
    QPalette dark = view.palette();
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    view.setPalette(dark);
    QVERIFY(view.themeName() != lightTheme);

    view.setPlainText(QString::fromUtf8(Manifest));
    const QColor key = colourAt(view, QStringLiteral("apiVersion"));
    QVERIFY(key.isValid());
    QVERIFY2(key.lightness() > 100, "keys on a dark background must be light enough to read");
}

QTEST_MAIN(TestYamlView)
#include "tst_yamlview.moc"
