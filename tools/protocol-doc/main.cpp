// Prints the protocol documentation generated from the schema, or writes one sample frame
// of every message type as a fuzz seed corpus.

#include "protocol/Registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

using namespace lendable::protocol;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lendable-protocol-doc"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Generates docs/protocol.md and fuzz seeds from the protocol schema."));
    parser.addHelpOption();
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("Write the Markdown to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption seeds(QStringLiteral("seeds"), QStringLiteral("Write one frame per message type into DIR."), QStringLiteral("DIR"));
    parser.addOption(output);
    parser.addOption(seeds);
    parser.process(app);

    if (parser.isSet(seeds)) {
        const QDir dir(parser.value(seeds));
        if (!dir.mkpath(QStringLiteral("."))) {
            std::fprintf(stderr, "cannot create %s\n", qPrintable(dir.path()));
            return 1;
        }
        int written = 0;
        forEachMessage([&](auto m) {
            using M = decltype(m);
            const QByteArray frame = encodeFrame(makeEnvelope(CborTraits<M>::sample(), 7));
            QSaveFile f(dir.filePath(QStringLiteral("%1-%2.bin").arg(static_cast<int>(M::kType), 3, 10, QLatin1Char('0'))
                                         .arg(QLatin1String(M::kName))));
            if (f.open(QIODevice::WriteOnly) && f.write(frame) == frame.size() && f.commit())
                ++written;
        });
        std::fprintf(stderr, "wrote %d seeds to %s\n", written, qPrintable(dir.path()));
        return 0;
    }

    const QByteArray md = protocolMarkdown().toUtf8();
    if (parser.isSet(output)) {
        QSaveFile f(parser.value(output));
        if (!f.open(QIODevice::WriteOnly) || f.write(md) != md.size() || !f.commit()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(parser.value(output)));
            return 1;
        }
        return 0;
    }
    std::fwrite(md.constData(), 1, static_cast<size_t>(md.size()), stdout);
    return 0;
}
