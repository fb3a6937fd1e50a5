// The committed translations (translations/*.ts) are current and complete, and the compiled
// catalogues translate what the apps show. The sets (which sources feed which .ts, and the
// lupdate options) come from translations/CMakeLists.txt through translation-sets.json, so
// this test runs lupdate exactly as `make translations` does.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

namespace {

struct TsSet {
    QString ts;
    QString language;
    QStringList extraOptions; // -pluralonly for English
    QStringList sources;
};

QJsonObject readSets()
{
    QFile f(QStringLiteral(LENDABLE_TRANSLATION_SETS));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QStringList toStrings(const QJsonArray &a)
{
    QStringList out;
    for (const QJsonValue &v : a)
        out << v.toString();
    return out;
}

QList<TsSet> tsSets(const QJsonObject &root)
{
    QList<TsSet> out;
    for (const QJsonValue &v : root.value(QStringLiteral("sets")).toArray()) {
        const QJsonObject o = v.toObject();
        TsSet s;
        s.ts = o.value(QStringLiteral("ts")).toString();
        s.language = o.value(QStringLiteral("language")).toString();
        s.extraOptions = toStrings(o.value(QStringLiteral("extraOptions")).toArray());
        for (const QJsonValue &src : o.value(QStringLiteral("sources")).toArray())
            s.sources << src.toString();
        out << s;
    }
    return out;
}

/// %1…%99 and %n in a text, as a set: a translation must keep every one of them.
QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QSet<QString> out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out.insert(it.next().captured(0));
    return out;
}

/// Tags like <tt> or <b>: a translation keeps the markup.
QStringList tags(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("</?[a-z]+[^>]*>"));
    QStringList out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out << it.next().captured(0);
    out.sort();
    return out;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void setsCoverEveryLanguage();
    void tsFilesAreCurrent_data();
    void tsFilesAreCurrent();
    void tsFilesAreComplete_data();
    void tsFilesAreComplete();
    void catalogsTranslate_data();
    void catalogsTranslate();

private:
    QJsonObject m_root;
    QList<TsSet> m_sets;
};

void TestTranslations::initTestCase()
{
    m_root = readSets();
    m_sets = tsSets(m_root);
    QVERIFY2(!m_sets.isEmpty(), "translation-sets.json is missing or empty");
}

void TestTranslations::setsCoverEveryLanguage()
{
    // Three apps and the shared catalogue, each in German and Japanese, and English plurals.
    QSet<QString> names;
    for (const TsSet &s : m_sets)
        names.insert(QFileInfo(s.ts).fileName());
    for (const QString &domain : {QStringLiteral("market-manager"), QStringLiteral("lender-console"),
                                 QStringLiteral("borrower-client"), QStringLiteral("lendable")}) {
        for (const QString &lang : {QStringLiteral("de"), QStringLiteral("ja"), QStringLiteral("en")}) {
            const QString name = QStringLiteral("%1_%2.ts").arg(domain, lang);
            QVERIFY2(names.contains(name), qPrintable(name));
        }
    }
}

void TestTranslations::tsFilesAreCurrent_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_sets.size(); ++i)
        QTest::newRow(qPrintable(QFileInfo(m_sets[i].ts).fileName())) << i;
}

void TestTranslations::tsFilesAreCurrent()
{
    QFETCH(int, index);
    const TsSet &set = m_sets[index];
    QFile committed(set.ts);
    QVERIFY2(committed.open(QIODevice::ReadOnly), qPrintable(set.ts + QStringLiteral(" is missing: run `make translations`")));
    const QByteArray before = committed.readAll();

    // Update a copy with the same options and sources; any difference means the sources
    // have strings the committed file lacks (or the other way round).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QFileInfo(set.ts).fileName());
    QVERIFY(QFile::copy(set.ts, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList args = toStrings(m_root.value(QStringLiteral("options")).toArray()) + set.extraOptions
                             + QStringList{QStringLiteral("-target-language"), set.language} + set.sources
                             + QStringList{QStringLiteral("-ts"), copy};
    lupdate.start(m_root.value(QStringLiteral("lupdate")).toString(), args);
    QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish");
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
             lupdate.readAll().constData());
    QFile updated(copy);
    QVERIFY(updated.open(QIODevice::ReadOnly));
    const QByteArray after = updated.readAll();
    if (after != before) {
        // Name the first differing line so the failure says what changed.
        const QList<QByteArray> a = before.split('\n');
        const QList<QByteArray> b = after.split('\n');
        qsizetype i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i])
            ++i;
        QFAIL(qPrintable(QStringLiteral("%1 is stale: run `make translations` and translate the new entries. "
                                        "First difference at line %2: committed '%3', sources give '%4'")
                             .arg(QFileInfo(set.ts).fileName())
                             .arg(i + 1)
                             .arg(QString::fromUtf8(a.value(i).trimmed()), QString::fromUtf8(b.value(i).trimmed()))));
    }
}

void TestTranslations::tsFilesAreComplete_data()
{
    tsFilesAreCurrent_data();
}

void TestTranslations::tsFilesAreComplete()
{
    QFETCH(int, index);
    const TsSet &set = m_sets[index];
    QFile f(set.ts);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(set.ts));
    const int plurals = set.language == QStringLiteral("ja") ? 1 : 2; // Japanese has one form

    QXmlStreamReader xml(&f);
    QString context;
    QString source;
    bool numerus = false;
    int messages = 0;
    QStringList problems;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("TS")) {
            QCOMPARE(xml.attributes().value(QLatin1String("language")).toString().left(2), set.language);
        } else if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            ++messages;
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const QString where = context + QStringLiteral(" / \"") + source + QLatin1Char('"');
            const QStringView type = xml.attributes().value(QLatin1String("type"));
            if (!type.isEmpty())
                problems << QStringLiteral("%1: translation is %2").arg(where, type.toString());
            QStringList forms;
            if (numerus) {
                while (xml.readNextStartElement()) {
                    if (xml.name() == QLatin1String("numerusform"))
                        forms << xml.readElementText();
                    else
                        xml.skipCurrentElement();
                }
                if (forms.size() != plurals)
                    problems << QStringLiteral("%1: %2 plural forms, want %3").arg(where).arg(forms.size()).arg(plurals);
            } else {
                forms << xml.readElementText();
            }
            for (const QString &t : std::as_const(forms)) {
                if (t.trimmed().isEmpty()) {
                    problems << QStringLiteral("%1: empty translation").arg(where);
                    continue;
                }
                QSet<QString> want = placeholders(source);
                if (numerus && plurals == 1)
                    want.remove(QStringLiteral("%n")); // a Japanese form may leave the count to the context
                QSet<QString> have = placeholders(t);
                if (numerus && plurals == 1)
                    have.remove(QStringLiteral("%n"));
                if (want != have)
                    problems << QStringLiteral("%1: placeholders differ in \"%2\"").arg(where, t);
                if (tags(source) != tags(t))
                    problems << QStringLiteral("%1: markup differs in \"%2\"").arg(where, t);
            }
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    // An English catalogue holds only plural forms, and a domain may have none.
    QVERIFY2(messages > 0 || set.language == QStringLiteral("en"), qPrintable(set.ts + QStringLiteral(" has no messages")));
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestTranslations::catalogsTranslate_data()
{
    QTest::addColumn<QString>("catalog");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("n");

    const char *window = "lendable::market::MarketWindow";
    QTest::newRow("market de title") << "market-manager_de" << window << "Lendable Market Manager"
                                     << QString::fromUtf8("Lendable Marktplatz-Verwaltung") << -1;
    QTest::newRow("market ja title") << "market-manager_ja" << window << "Lendable Market Manager"
                                     << QString::fromUtf8("Lendable マーケットマネージャー") << -1;
    QTest::newRow("market de contracts") << "market-manager_de" << window << "Contracts" << QString::fromUtf8("Verträge") << -1;
    QTest::newRow("market ja contracts") << "market-manager_ja" << window << "Contracts" << QString::fromUtf8("契約") << -1;
    QTest::newRow("market de plural 1") << "market-manager_de" << "lendable::market::PartitionsPage" << "%Ln partition(s)"
                                        << QString::fromUtf8("1 Partition") << 1;
    QTest::newRow("market de plural 5") << "market-manager_de" << "lendable::market::PartitionsPage" << "%Ln partition(s)"
                                        << QString::fromUtf8("5 Partitionen") << 5;
    QTest::newRow("market ja plural") << "market-manager_ja" << "lendable::market::PartitionsPage" << "%Ln partition(s)"
                                      << QString::fromUtf8("5 個のパーティション") << 5;
    QTest::newRow("market en plural 1") << "market-manager_en" << "lendable::market::PartitionsPage" << "%Ln partition(s)"
                                        << QStringLiteral("1 partition") << 1;
    QTest::newRow("market en plural 0") << "market-manager_en" << "lendable::market::PartitionsPage" << "%Ln partition(s)"
                                        << QStringLiteral("0 partitions") << 0;
    QTest::newRow("market en violations 1") << "market-manager_en" << "lendable::market::ViolationsPage" << "%Ln violation(s) reported"
                                            << QStringLiteral("1 violation reported") << 1;
    QTest::newRow("market de violations") << "market-manager_de" << "lendable::market::ViolationsPage" << "%Ln violation(s) reported"
                                          << QString::fromUtf8("2 Verstöße gemeldet") << 2;
    QTest::newRow("borrower en plural 1") << "borrower-client_en" << "lendable::borrower::OffersPage" << "%n offer(s) match."
                                          << QStringLiteral("1 offer matches.") << 1;
    QTest::newRow("borrower en plural 3") << "borrower-client_en" << "lendable::borrower::OffersPage" << "%n offer(s) match."
                                          << QStringLiteral("3 offers match.") << 3;
    QTest::newRow("borrower cli de plural") << "borrower-client_de" << "BorrowerCli" << "%1 excluded %n offer(s)"
                                            << QStringLiteral("%1 schloss 4 Angebote aus") << 4;
    QTest::newRow("lender de title") << "lender-console_de" << "main" << "Lendable Lender Console"
                                     << QString::fromUtf8("Lendable Verleiher-Konsole") << -1;
    QTest::newRow("lender ja title") << "lender-console_ja" << "main" << "Lendable Lender Console"
                                     << QString::fromUtf8("Lendable 貸し手コンソール") << -1;
    QTest::newRow("borrower de title") << "borrower-client_de" << "main" << "Lendable Borrower Client"
                                       << QString::fromUtf8("Lendable Entleiher-Client") << -1;
    QTest::newRow("borrower ja title") << "borrower-client_ja" << "main" << "Lendable Borrower Client"
                                       << QString::fromUtf8("Lendable 借り手クライアント") << -1;
    QTest::newRow("shared de") << "lendable_de" << "LanguageMenu" << "System default"
                               << QString::fromUtf8("Systemstandard") << -1;
    QTest::newRow("shared ja") << "lendable_ja" << "LanguageMenu" << "System default"
                               << QString::fromUtf8("システムの既定") << -1;
}

void TestTranslations::catalogsTranslate()
{
    QFETCH(QString, catalog);
    QFETCH(QString, context);
    QFETCH(QString, source);
    QFETCH(QString, expected);
    QFETCH(int, n);
    QTranslator translator;
    const QString qm = QDir(m_root.value(QStringLiteral("qmDir")).toString()).filePath(catalog + QStringLiteral(".qm"));
    QVERIFY2(translator.load(qm), qPrintable(qm));
    QString text = translator.translate(context.toUtf8().constData(), source.toUtf8().constData(), nullptr, n);
    if (n >= 0) // what QCoreApplication::translate() does after the lookup (%Ln: with digit grouping)
        text.replace(QStringLiteral("%Ln"), QString::number(n)).replace(QStringLiteral("%n"), QString::number(n));
    QCOMPARE(text, expected);
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "TestTranslations.moc"
