// libFuzzer target: FaqCatalog::apply over arbitrary (mostly JSON-shaped) server answers.
#include "faq_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return helpline_fuzz::apply_one(data, size);
}
