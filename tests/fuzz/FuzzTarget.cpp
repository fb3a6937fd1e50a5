#include "FuzzTarget.h"

#include "protocol/Registry.h"

namespace lendable::fuzz {

void decodeEverything(const uint8_t *data, size_t size)
{
    using namespace lendable::protocol;
    // A small cap so that the fuzzer also explores the size check.
    FrameReader reader(1 << 16);
    // Feed in two pieces to exercise the incremental path.
    const size_t half = size / 2;
    reader.append(QByteArrayView(reinterpret_cast<const char *>(data), static_cast<qsizetype>(half)));
    for (int pass = 0; pass < 2; ++pass) {
        for (;;) {
            Result<std::optional<QByteArray>> body = reader.nextBody();
            if (!body.ok() || !body->has_value())
                break;
            Result<Envelope> env = decodeFrameBody(**body);
            // The head read without decoding (Channel::requestFrame()) must accept what the
            // decoder accepts, and route it the same way.
            const Result<FrameHead> head = peekFrameHead(**body);
            if (env.ok() && !head.ok())
                __builtin_trap();
            if (!env.ok()) {
                reader.fail(env.error()); // as a channel does: the stream stays failed
                break;
            }
            if (head->type != env->type || head->id != env->id || head->reply != env->reply)
                __builtin_trap();
            const Envelope &e = *env;
            forEachMessage([&](auto m) {
                using M = decltype(m);
                Result<M> decoded = decodeSchema<M>(e.payload);
                if (decoded.ok()) {
                    // Whatever decodes must encode and decode to the same value.
                    Result<M> again = decodeSchema<M>(encodeSchema(*decoded));
                    if (!again.ok() || !(*again == *decoded))
                        __builtin_trap();
                }
            });
            (void)messageInfo(e.type);
        }
        if (pass == 0)
            reader.append(QByteArrayView(reinterpret_cast<const char *>(data) + half, static_cast<qsizetype>(size - half)));
    }
}

} // namespace lendable::fuzz
