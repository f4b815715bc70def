// Building outbox items. A batch item is one /v1/batch entry: {"idempotency_key", "method", "path",
// "body"} (docs/protocol.md section 5).
#pragma once

#include <memory>
#include <string>

#include "items/item.hpp"

namespace helpline::detail {

// `body_json` is already-serialised JSON (an object).
std::string batch_item_json(const std::string &key, const char *method, const std::string &path,
                            const std::string &body_json);

// An item of `kind` sent as one /v1/batch entry, created now.
NewItem make_batch_item(const ItemKind &kind, std::string key, const char *method, const std::string &path,
                        const std::string &body_json, std::shared_ptr<const LocalChange> local = nullptr);
// An item of `kind` that only changes the local view: nothing is sent.
NewItem make_local_item(const ItemKind &kind, std::shared_ptr<const LocalChange> local);

}  // namespace helpline::detail
