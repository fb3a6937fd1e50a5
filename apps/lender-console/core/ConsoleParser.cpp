#include "ConsoleParser.h"

namespace lendable::lender {

namespace {
const QByteArray kStart = QByteArrayLiteral("LENDABLE-JOB-START");
const QByteArray kExit = QByteArrayLiteral("LENDABLE-JOB-EXIT ");
const QByteArray kInitError = QByteArrayLiteral("LENDABLE-INIT-ERROR ");
const QByteArray kMarker = QByteArrayLiteral("LENDABLE-");

bool couldBeMarker(const QByteArray &partial)
{
    return kMarker.startsWith(partial) || partial.startsWith(kMarker);
}
} // namespace

QByteArray ConsoleParser::handleLine(const QByteArray &line, bool complete)
{
    // `line` excludes the newline; `complete` says whether one followed.
    if (!m_lineEmitted) {
        if (line.startsWith(kInitError)) {
            m_initError = QString::fromUtf8(line.mid(kInitError.size())).trimmed();
            return {};
        }
        if (!m_started) {
            if (line.startsWith(kStart))
                m_started = true;
            return {};
        }
        if (m_ended)
            return {};
        if (line.startsWith(kExit)) {
            bool ok = false;
            const int rc = line.mid(kExit.size()).trimmed().toInt(&ok);
            if (ok)
                m_exit = rc;
            m_ended = true;
            return {};
        }
    }
    if (!m_started || m_ended)
        return {};
    return complete ? line + '\n' : line;
}

QByteArray ConsoleParser::feed(const QByteArray &bytes)
{
    QByteArray out;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const qsizetype nl = bytes.indexOf('\n', pos);
        if (nl < 0) {
            m_line += bytes.mid(pos);
            break;
        }
        m_line += bytes.mid(pos, nl - pos);
        out += handleLine(m_line, true);
        m_line.clear();
        m_lineEmitted = false;
        pos = nl + 1;
    }
    // A partial job line is passed on now (a progress bar without newline shows live), unless
    // it may still turn into a marker line. One longer than a marker line can be is not held
    // back: a job that prints "LENDABLE-" and never a newline would otherwise be kept in
    // memory for as long as it runs, its borrower seeing nothing.
    const bool tooLong = m_line.size() > kMaxMarkerLineBytes;
    if (!m_line.isEmpty() && m_started && !m_ended && (m_lineEmitted || !couldBeMarker(m_line) || tooLong)) {
        out += handleLine(m_line, false);
        m_lineEmitted = true;
        m_line.clear();
    } else if (tooLong) {
        // Before the job's start or after its end no line is output: this one, no marker, is
        // dropped now (with the rest of it, up to its newline) rather than kept.
        m_lineEmitted = true;
        m_line.clear();
    }
    return out;
}

QByteArray ConsoleParser::finish()
{
    QByteArray out;
    if (!m_line.isEmpty())
        out = handleLine(m_line, false);
    m_line.clear();
    return out;
}

} // namespace lendable::lender
