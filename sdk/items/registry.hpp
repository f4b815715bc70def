// The item-kind registry: the one place that maps names to behaviour. Each feature registers, in a
// file of its own (tickets/ticket_items.cpp, faq/faq_items.cpp, ...), its outbound kinds with what
// delivery and refusal do locally, the local changes it applies, and the /v1/sync item types it
// handles. The sender, the poller and the group commit ask the registry; nothing else compares kind
// or type names. Filled while the instance opens, read-only afterwards (worker thread only).
//
// Handlers are plain functions with an owner pointer (the feature object they act on), not
// std::function: a registry of ~30 handlers costs a few hundred bytes instead of kilobytes of
// type-erasure code in a library with a size budget.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include <rapidjson/document.h>

#include "items/item.hpp"
#include "items/local_change.hpp"

namespace helpline::detail {

// The owner a handler was registered with, as its type.
template <class T>
T &owner_as(void *owner) noexcept {
  return *static_cast<T *>(owner);
}

class ItemRegistry {
 public:
  // Worker, inside the transaction that removes the row: delivered (body: the server's answer for
  // the item, may be null) or refused for good (dead-lettered).
  using Delivered = void (*)(void *owner, const QueuedItem &item, const rapidjson::Value *body);
  using Refused = void (*)(void *owner, const QueuedItem &item, const std::string &error_json);
  // Worker, inside the sync page's transaction. True: handled (no HELPLINE_EVENT_SYNC_ITEM).
  using SyncHandler = bool (*)(void *owner, const rapidjson::Value &item);
  // Worker, inside the commit's transaction; `change` holds the alternative it was registered for.
  using LocalApplier = void (*)(void *owner, const LocalChange &change);

  void add_kind(const ItemKind &kind, void *owner = nullptr, Delivered on_delivered = nullptr,
                Refused on_refused = nullptr);
  void add_sync_type(const char *type, void *owner, SyncHandler handler);
  template <class Change>
  void add_local(void *owner, LocalApplier apply) {
    local_[variant_index<Change>()] = Local{owner, apply};
  }

  // nullptr for a name nobody registered (a row written by a newer SDK).
  const ItemKind *kind(std::string_view name) const;
  bool is_upload(const QueuedItem &item) const;
  // The index of the first item of a barrier kind (ItemKind::barrier), or items.size().
  std::size_t first_barrier(const std::vector<QueuedItem> &items) const;
  void delivered(const QueuedItem &item, const rapidjson::Value *body) const;
  void refused(const QueuedItem &item, const std::string &error_json) const;
  // Runs the handler of the item's "type"; false when there is none (or no type).
  bool handle_sync(const rapidjson::Value &item) const;
  void apply_local(const LocalChange &change) const;

 private:
  template <class Change, std::size_t I = 0>
  static constexpr std::size_t variant_index() {
    if constexpr (std::is_same_v<std::variant_alternative_t<I, LocalChange>, Change>) {
      return I;
    } else {
      return variant_index<Change, I + 1>();
    }
  }

  struct Entry {
    const ItemKind *kind;
    void *owner;
    Delivered delivered;
    Refused refused;
  };
  struct Sync {
    void *owner;
    SyncHandler handle;
  };
  struct Local {
    void *owner = nullptr;
    LocalApplier apply = nullptr;
  };
  const Entry *entry(std::string_view name) const;

  std::unordered_map<std::string_view, Entry> kinds_;  // keys point into the wire constants
  std::unordered_map<std::string_view, Sync> sync_;
  std::array<Local, std::variant_size_v<LocalChange>> local_;
};

}  // namespace helpline::detail
