#include "items/batch_item.hpp"

#include "base/clock.hpp"
#include "base/json_out.hpp"

namespace helpline::detail {

std::string batch_item_json(const std::string &key, const char *method, const std::string &path,
                            const std::string &body_json) {
  JsonOut w;
  w.begin_object().field("idempotency_key", key).field("method", method).field("path", path);
  w.raw_field("body", body_json).end_object();
  return w.take();
}

NewItem make_batch_item(const ItemKind &kind, std::string key, const char *method, const std::string &path,
                        const std::string &body_json, std::shared_ptr<const LocalChange> local) {
  NewItem it{&kind, std::move(key), {}, now_ms(), {}, std::move(local)};
  it.payload = batch_item_json(it.idempotency_key, method, path, body_json);
  return it;
}

NewItem make_local_item(const ItemKind &kind, std::shared_ptr<const LocalChange> local) {
  return NewItem{&kind, {}, {}, now_ms(), {}, std::move(local)};
}

}  // namespace helpline::detail
