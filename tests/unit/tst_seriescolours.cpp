// One colour per version across the console's charts: stable, distinct while the palette
// lasts, blue and green as their names say, never the threshold's red.

#include "ui/common/seriescolours.h"

#include <QtTest>

using Lucent::Ui::SeriesColours;

class TestSeriesColours : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameNameSameColour();
    void namesOnScreenTogetherDiffer();
    void blueAndGreenAreTheirColours();
    void assignmentDoesNotDependOnTheRun();
    void fullPaletteStillAnswers();
};

void TestSeriesColours::sameNameSameColour()
{
    SeriesColours colours;
    const QColor first = colours.colourOf(QStringLiteral("2.1.0"));
    colours.colourOf(QStringLiteral("2.2.0"));
    QCOMPARE(colours.colourOf(QStringLiteral("2.1.0")), first);
}

void TestSeriesColours::namesOnScreenTogetherDiffer()
{
    SeriesColours colours;
    QSet<QRgb> seen;
    for (int i = 0; i < SeriesColours::palette().size(); ++i)
        seen.insert(colours.colourOf(QStringLiteral("1.0.%1").arg(i)).rgb());
    QCOMPARE(seen.size(), SeriesColours::palette().size());
    for (const QColor &colour : SeriesColours::palette())
        QVERIFY2(!(colour.hue() < 10 || colour.hue() > 350) || colour.saturation() < 60, qPrintable(colour.name()));
}

void TestSeriesColours::blueAndGreenAreTheirColours()
{
    SeriesColours colours;
    const QColor blue = colours.colourOf(QStringLiteral("blue"));
    const QColor green = colours.colourOf(QStringLiteral("green"));
    QVERIFY2(blue.hue() > 180 && blue.hue() < 250, qPrintable(blue.name()));
    QVERIFY2(green.hue() > 90 && green.hue() < 150, qPrintable(green.name()));
}

void TestSeriesColours::assignmentDoesNotDependOnTheRun()
{
    // Two assignments that meet the same names in the same order agree, and a name met first
    // gets its preferred colour whatever came before it in another chart.
    SeriesColours a;
    SeriesColours b;
    QCOMPARE(a.colourOf(QStringLiteral("9.9.9-crash")), b.colourOf(QStringLiteral("9.9.9-crash")));
    QCOMPARE(a.colourOf(QStringLiteral("1.0.7")), b.colourOf(QStringLiteral("1.0.7")));
}

void TestSeriesColours::fullPaletteStillAnswers()
{
    SeriesColours colours;
    for (int i = 0; i < 3 * SeriesColours::palette().size(); ++i)
        QVERIFY(colours.colourOf(QString::number(i)).isValid());
    QCOMPARE(colours.colourOf(QStringLiteral("0")), colours.colourOf(QStringLiteral("0")));
}

QTEST_GUILESS_MAIN(TestSeriesColours)
#include "tst_seriescolours.moc"
