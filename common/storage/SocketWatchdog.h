#pragma once

#include <QtGlobal>

#include <chrono>
#include <map>

namespace lendable {

/// Gets a thread back from a call that waits on a socket for a peer that has stopped
/// answering: when the call outlasts its deadline, the socket is shut down (shutdown(2), not
/// closed: its owner still holds the descriptor), so the call returns with an error at once.
///
/// Made for libpq: a PostgreSQL server that is frozen (SIGSTOP, a hung disk, a paused VM)
/// keeps its TCP connections acknowledged, so keepalives and tcp_user_timeout never fire and
/// a statement would wait forever; over a unix socket nothing fires at all. One thread for
/// the process watches every armed socket; it is started on first use and sleeps while
/// nothing is armed. Arming and disarming take a lock; the thread is woken only when a
/// deadline comes sooner than the one it waits for. A socket with an answer waiting to be
/// read at its deadline is not shut (the peer answered; this process did not run): it is
/// looked at again a second later.
class SocketWatch {
public:
    /// Watches \a fd for \a timeoutMs from now, until stop() or the destructor. A negative
    /// descriptor or a timeout of 0 or less watches nothing.
    SocketWatch(int fd, qint64 timeoutMs);
    ~SocketWatch();
    SocketWatch(const SocketWatch &) = delete;
    SocketWatch &operator=(const SocketWatch &) = delete;

    /// Disarms: from its return on, the socket is not touched. Returns whether the deadline
    /// had passed and the socket was shut down. Idempotent.
    bool stop();

    struct Armed;
    using Queue = std::multimap<std::chrono::steady_clock::time_point, Armed *>;
    struct Armed {
        int fd = -1;
        bool fired = false;
        Queue::iterator entry; // in the watchdog's queue while armed and not fired
    };

private:
    Armed m_armed;
    bool m_active = false;
};

} // namespace lendable
