#pragma once
// Turns a guest's serial console into the job's output, following the /init contract
// (installer/os-images/README.md): everything before the `LENDABLE-JOB-START` line is boot
// noise, `LENDABLE-JOB-EXIT <rc>` ends the job, `LENDABLE-INIT-ERROR <msg>` says why a job
// never ran. Markers are removed from the output; partial lines are passed on at once unless
// they could still become a marker (and are no longer than a marker line can be).

#include <QByteArray>
#include <QString>

#include <optional>

namespace lendable::lender {

class ConsoleParser {
public:
    /// A partial line longer than this is no marker (the longest /init prints, an init error,
    /// is a sentence): it is passed on as output, not held back until its newline.
    static constexpr qsizetype kMaxMarkerLineBytes = 4096;

    /// Feeds console bytes; returns the job output they complete.
    QByteArray feed(const QByteArray &bytes);
    /// The console ended: returns whatever output was held back.
    QByteArray finish();

    bool jobStarted() const { return m_started; }
    std::optional<int> exitMarker() const { return m_exit; }
    QString initError() const { return m_initError; }

private:
    QByteArray handleLine(const QByteArray &line, bool complete);

    QByteArray m_line;           ///< current line, not yet passed on
    bool m_lineEmitted = false;  ///< a prefix of the current line was already passed on
    bool m_started = false;
    bool m_ended = false;
    std::optional<int> m_exit;
    QString m_initError;
};

} // namespace lendable::lender
