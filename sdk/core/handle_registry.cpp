#include "core/handle_registry.hpp"

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace helpline::detail {
namespace {

struct Registry {
  std::mutex mu;
  uint64_t next_id = 1;
  std::unordered_map<uintptr_t, std::shared_ptr<Client>> clients;
};

// Leaked on purpose: hosts may call helpline_* from static destructors after ours have run.
Registry &registry() {
  static Registry *r = new Registry();
  return *r;
}

}  // namespace

helpline_t *HandleRegistry::add(std::shared_ptr<Client> client) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  // Low bits set so the value is never NULL and never a plausible aligned object address.
  uintptr_t key = static_cast<uintptr_t>((r.next_id++ << 4) | 0x9);
  r.clients.emplace(key, std::move(client));
  return reinterpret_cast<helpline_t *>(key);
}

std::shared_ptr<Client> HandleRegistry::find(const helpline_t *handle) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.clients.find(reinterpret_cast<uintptr_t>(handle));
  return it == r.clients.end() ? nullptr : it->second;
}

std::shared_ptr<Client> HandleRegistry::remove(const helpline_t *handle) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.clients.find(reinterpret_cast<uintptr_t>(handle));
  if (it == r.clients.end()) return nullptr;
  std::shared_ptr<Client> client = std::move(it->second);
  r.clients.erase(it);
  return client;
}

}  // namespace helpline::detail
