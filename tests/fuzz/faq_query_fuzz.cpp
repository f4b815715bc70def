// libFuzzer target: FaqSearch over arbitrary queries, locales, limits and ticket text.
#include "faq_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return helpline_fuzz::query_one(data, size);
}
