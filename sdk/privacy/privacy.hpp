// Erase and export (docs/SECURITY.md). helpline_erase_all() writes an erase request (POST
// /v1/me/erase) and, in the same transaction, wipes the user's local data (privacy/local_erase.cpp);
// it is the one host call that waits for its commit. The server's `erase` sync item wipes this copy
// the same way and asks the server to drop the retired device id. helpline_export_request() queues
// POST /v1/me/export; the answer arrives as HELPLINE_EVENT_EXPORT. After an erase the WAL is
// checkpointed and truncated off the caller's thread (finished at the next open if cut short).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "base/logger.hpp"
#include "identity/identity.hpp"
#include "items/emit.hpp"
#include "items/instance.hpp"
#include "items/item.hpp"
#include "items/registry.hpp"
#include "protocol/wire.hpp"
#include "store/group_commit.hpp"
#include "store/meta.hpp"
#include "sync/request_builder.hpp"

namespace helpline::detail {

inline constexpr ItemKind kEraseKind{
    wire::kind::kErase, Channel::kBatch, kPriorityControl, true, false, true};
inline constexpr ItemKind kExportKind{wire::kind::kExport, Channel::kBatch, kPriorityControl};

class Privacy {
 public:
  struct Wiring {
    // Principal stamping and hand-off are one step (identify cannot interleave): held while an erase
    // is accepted.
    std::mutex &stamp_mu;
    std::function<void()> forget_host_state;  // host thread: caches of the local view, deflection
    std::function<void()> after_erase;        // worker, after the commit: recorders, polling, device
    std::function<void(const std::string &user_id)> signed_out;  // inside the commit: an identity event
  };

  Privacy(sqlite3 *db, Meta &meta, GroupCommit &commit, Identity &identity, RequestBuilder &requests,
          const Logger &logger, std::string data_dir, Instance &instance, Wiring wiring);

  // Host threads. erase_all waits for its own commit (up to 10 s). Throw Error.
  void erase_all();
  void export_request();
  // Host threads: something was accepted, so a new erase has something to ask the server.
  void written() noexcept { clean_.store(false, std::memory_order_relaxed); }

  // Worker: after each successful commit (events, files, the new device id) and at open (scrub).
  void after_commit();
  void scrub_store();
  // Worker: a failed commit is rolled back; its erases are applied again by the retry.
  void commit_failed() { erased_.clear(); }

  // The erase and export kinds, the Erase local change and the `erase` sync item.
  void register_items(ItemRegistry &registry);

 private:
  // Accepts the erase (a request for the server unless nothing was written since the last one) and
  // signs the user out. Returns true when the caller must post a commit.
  bool queue_erase(const char *origin, bool as_user);
  void apply(const change::Erase &c);  // inside the commit's transaction
  void on_server_erase();              // worker: the `erase` sync item

  sqlite3 *db_;
  Meta &meta_;
  GroupCommit &commit_;
  Identity &identity_;
  RequestBuilder &requests_;
  const Logger &logger_;
  const std::string data_dir_;
  Instance &instance_;
  Wiring wiring_;
  // Nothing was accepted since the last erase: erasing again has nothing to ask the server.
  std::atomic<bool> clean_{false};
  struct Erased {
    std::string request_id;
    std::string origin;
  };
  std::vector<Erased> erased_;  // worker thread only: erases applied in the running commit
  int scrub_retries_ = 0;       // worker thread only: checkpoints a reader held up, retried a second later
};

}  // namespace helpline::detail
