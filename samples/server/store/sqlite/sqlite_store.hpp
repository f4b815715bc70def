// SQLite implementation of Store: one write connection (serialised by a mutex, group of statements per
// transaction) and a pool of read connections (WAL lets them run beside the writer).
#pragma once
#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace helpline::server {

class SqliteStore : public Store {
 public:
  explicit SqliteStore(const std::string &path);  // opens, migrates (throws SchemaTooNew)
  ~SqliteStore() override;
  std::unique_ptr<StoreTx> write() override;
  std::unique_ptr<StoreTx> read() override;

  std::unique_ptr<SqliteConnection> take_reader();
  void give_reader(std::unique_ptr<SqliteConnection> db);

  void request_checkpoint();

 private:
  void checkpoint_loop();

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  // WAL checkpoints run on their own thread and connection (PASSIVE: never blocks the writer), so the fsync
  // they need is not paid inside a request's write transaction.
  std::mutex ckpt_mutex_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;
  bool ckpt_stop_ = false;
  std::thread ckpt_thread_;
};

}  // namespace helpline::server
