#include "ImageWorkAside.h"

#include <memory>

namespace lendable::lender {

ImageWorkAside::~ImageWorkAside()
{
    for (QThread *t : std::as_const(m_running)) {
        t->wait();
        delete t;
    }
}

void ImageWorkAside::run(const QString &what, Work work, Done done)
{
    auto result = std::make_shared<Result<ImageEntry>>(Error(ErrorCode::Internal, QStringLiteral("not done")));
    QThread *thread = QThread::create([result, work = std::move(work)] { *result = work(); });
    thread->setObjectName(what);
    m_running.append(thread);
    connect(thread, &QThread::finished, this, [this, thread, result, done = std::move(done)] {
        m_running.removeOne(thread);
        thread->deleteLater();
        if (done)
            done(std::move(*result));
    });
    thread->start(QThread::LowPriority);
}

} // namespace lendable::lender
