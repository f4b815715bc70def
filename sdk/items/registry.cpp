#include "items/registry.hpp"

namespace helpline::detail {

void ItemRegistry::add_kind(const ItemKind &kind, void *owner, Delivered on_delivered, Refused on_refused) {
  kinds_[kind.name] = Entry{&kind, owner, on_delivered, on_refused};
}

void ItemRegistry::add_sync_type(const char *type, void *owner, SyncHandler handler) {
  sync_[type] = Sync{owner, handler};
}

const ItemRegistry::Entry *ItemRegistry::entry(std::string_view name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : &it->second;
}

const ItemKind *ItemRegistry::kind(std::string_view name) const {
  const Entry *e = entry(name);
  return e == nullptr ? nullptr : e->kind;
}

bool ItemRegistry::is_upload(const QueuedItem &item) const {
  const ItemKind *k = kind(item.kind);
  return k != nullptr && k->upload;
}

std::size_t ItemRegistry::first_barrier(const std::vector<QueuedItem> &items) const {
  std::size_t i = 0;
  for (; i < items.size(); ++i) {
    const ItemKind *k = kind(items[i].kind);
    if (k != nullptr && k->barrier) break;
  }
  return i;
}

void ItemRegistry::delivered(const QueuedItem &item, const rapidjson::Value *body) const {
  const Entry *e = entry(item.kind);
  if (e != nullptr && e->delivered != nullptr) e->delivered(e->owner, item, body);
}

void ItemRegistry::refused(const QueuedItem &item, const std::string &error_json) const {
  const Entry *e = entry(item.kind);
  if (e != nullptr && e->refused != nullptr) e->refused(e->owner, item, error_json);
}

bool ItemRegistry::handle_sync(const rapidjson::Value &item) const {
  if (!item.IsObject() || !item.HasMember("type") || !item["type"].IsString()) return false;
  auto it = sync_.find(std::string_view(item["type"].GetString(), item["type"].GetStringLength()));
  return it != sync_.end() && it->second.handle(it->second.owner, item);
}

void ItemRegistry::apply_local(const LocalChange &change) const {
  const Local &l = local_[change.index()];
  if (l.apply != nullptr) l.apply(l.owner, change);
}

}  // namespace helpline::detail
