#pragma once

#include <cstddef>
#include <cstdint>

namespace lendable::fuzz {
/// Feeds bytes to the frame reader and every envelope it yields to every message decoder.
/// Shared by the libFuzzer target and the corpus replay test.
void decodeEverything(const uint8_t *data, size_t size);
} // namespace lendable::fuzz
