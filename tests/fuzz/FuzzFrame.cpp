// libFuzzer entry point for the frame and message decoder (`make fuzz`).

#include "FuzzTarget.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lendable::fuzz::decodeEverything(data, size);
    return 0;
}
