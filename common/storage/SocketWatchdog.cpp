#include "SocketWatchdog.h"

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

namespace lendable {

namespace {

using Clock = std::chrono::steady_clock;

class Watchdog {
public:
    static Watchdog &instance()
    {
        // Never destroyed: the thread may sleep in wait() when the process exits, and a
        // static destructor joining it would race with connections closed after main().
        static Watchdog *watchdog = new Watchdog;
        return *watchdog;
    }

    /// False when the thread cannot be started (the process is out of threads): nothing is
    /// watched then, as before there was a watchdog, rather than an exception through the caller.
    bool arm(Clock::time_point deadline, SocketWatch::Armed *armed)
    {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable()) {
            try {
                m_thread = std::thread([this] { loop(); });
            } catch (const std::system_error &e) {
                // Tried again at each wait: said once a minute, with how often it failed.
                const auto now = Clock::now();
                ++m_startFailures;
                if (m_startFailures == 1 || now - m_warnedAt >= std::chrono::minutes(1)) {
                    qWarning("socket watchdog: cannot start its thread (%s; %lld times so far); waits on sockets are not "
                             "watched",
                             e.what(), static_cast<long long>(m_startFailures));
                    m_warnedAt = now;
                }
                return false;
            }
        }
        armed->entry = m_queue.emplace(deadline, armed);
        if (deadline < m_wakeAt)
            m_wake.notify_one();
        return true;
    }

    void disarm(SocketWatch::Armed &armed)
    {
        std::lock_guard lock(m_mutex);
        if (!armed.fired)
            m_queue.erase(armed.entry); // a fired one was taken off the queue by the thread
    }

private:
    void loop()
    {
        pthread_setname_np(pthread_self(), "socket-watchdog");
        std::unique_lock lock(m_mutex);
        for (;;) {
            const auto now = Clock::now();
            while (!m_queue.empty() && m_queue.begin()->first <= now) {
                SocketWatch::Armed *armed = m_queue.begin()->second;
                m_queue.erase(m_queue.begin());
                // An answer waiting to be read: the peer answered, and it is this process that
                // has not run (stopped, starved). Looked at again a second later.
                pollfd ready{armed->fd, POLLIN, 0};
                if (::poll(&ready, 1, 0) == 1 && (ready.revents & POLLIN) && !(ready.revents & (POLLHUP | POLLERR))) {
                    armed->entry = m_queue.emplace(now + std::chrono::seconds(1), armed);
                    continue;
                }
                // The owner is blocked in the call (it disarms under this lock): the
                // descriptor is still its own. recv() and poll() see the end at once.
                ::shutdown(armed->fd, SHUT_RDWR);
                armed->fired = true;
            }
            m_wakeAt = m_queue.empty() ? Clock::time_point::max() : m_queue.begin()->first;
            if (m_queue.empty())
                m_wake.wait(lock);
            else
                m_wake.wait_until(lock, m_wakeAt);
        }
    }

    std::mutex m_mutex;
    qint64 m_startFailures = 0;   // of the thread (arm())
    Clock::time_point m_warnedAt; // when a failure to start it was last logged
    std::condition_variable m_wake;
    SocketWatch::Queue m_queue;
    // When the thread wakes next by itself: max while it waits for a notification.
    Clock::time_point m_wakeAt = Clock::time_point::max();
    std::thread m_thread;
};

} // namespace

SocketWatch::SocketWatch(int fd, qint64 timeoutMs)
{
    if (fd < 0 || timeoutMs <= 0)
        return;
    m_armed.fd = fd;
    m_active = Watchdog::instance().arm(Clock::now() + std::chrono::milliseconds(timeoutMs), &m_armed);
}

SocketWatch::~SocketWatch()
{
    stop();
}

bool SocketWatch::stop()
{
    if (m_active) {
        m_active = false;
        Watchdog::instance().disarm(m_armed);
    }
    return m_armed.fired;
}

} // namespace lendable
