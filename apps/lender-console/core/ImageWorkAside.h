#pragma once
// Image work that takes seconds for a large image (unpacking with tar, the store's hashing
// and copying) runs here on a thread of its own, so that the agent (in the Lender Console,
// its window) goes on answering meanwhile; the result comes back on the owner's thread.

#include "ImageStore.h"

#include <QList>
#include <QObject>
#include <QThread>

#include <functional>

namespace lendable::lender {

class ImageWorkAside : public QObject {
    Q_OBJECT
public:
    using Work = std::function<Result<ImageEntry>()>;
    using Done = std::function<void(Result<ImageEntry>)>;

    explicit ImageWorkAside(QObject *parent = nullptr)
        : QObject(parent)
    {
    }
    /// Waits for the work under way: it reads and writes files the owner's store holds.
    ~ImageWorkAside() override;

    /// Runs `work` on a thread named `what`; `done` runs with its result on this object's
    /// thread, unless this object goes first.
    void run(const QString &what, Work work, Done done);

private:
    QList<QThread *> m_running;
};

} // namespace lendable::lender
