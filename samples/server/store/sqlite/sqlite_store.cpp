#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/sqlite_repos.hpp"
#include "store/sqlite/sqlite_schema.hpp"

#include <cstdio>
#include <stdexcept>

namespace helpline::server {

namespace {

// One transaction on one connection, and the repositories working inside it.
class SqliteTx final : public StoreTx {
 public:
  // Writer: holds the write lock for its lifetime. Reader: borrows a pooled connection.
  SqliteTx(SqliteStore &store, SqliteConnection &db, std::unique_lock<std::mutex> lock)
      : store_(store), db_(db), lock_(std::move(lock)) {
    db_.exec("BEGIN IMMEDIATE");
  }
  SqliteTx(SqliteStore &store, std::unique_ptr<SqliteConnection> reader)
      : store_(store), db_(*reader), reader_(std::move(reader)) {
    db_.exec("BEGIN");
  }
  ~SqliteTx() override {
    if (!done_) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
        // The connection stays usable; SQLite rolls back on its own if the statement failed mid-way.
      }
    }
    if (reader_) store_.give_reader(std::move(reader_));
  }

  void commit() override {
    db_.exec("COMMIT");
    done_ = true;
  }
  void savepoint() override { db_.exec("SAVEPOINT item"); }
  void release_savepoint() override { db_.exec("RELEASE item"); }
  void rollback_savepoint() override {
    db_.exec("ROLLBACK TO item");
    db_.exec("RELEASE item");
  }

  IdempotencyRepo &idempotency() override { return idempotency_; }
  IdentityRepo &identity() override { return identity_; }
  TicketRepo &tickets() override { return tickets_; }
  AttachmentRepo &attachments() override { return attachments_; }
  SurveyRepo &surveys() override { return surveys_; }
  MetricsRepo &metrics() override { return metrics_; }
  FaqRepo &faq() override { return faq_; }
  NoticeRepo &notices() override { return notices_; }
  EventRepo &events() override { return events_; }
  DiagnosticsRepo &diagnostics() override { return diagnostics_; }
  RuleRepo &rules() override { return rules_; }
  PrivacyRepo &privacy() override { return privacy_; }
  AgentRepo &agents() override { return agents_; }

 private:
  SqliteStore &store_;
  SqliteConnection &db_;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<SqliteConnection> reader_;
  bool done_ = false;
  DiagDeviceKeys keys_{db_};
  SqliteIdempotencyRepo idempotency_{db_};
  SqliteIdentityRepo identity_{db_};
  SqliteTicketRepo tickets_{db_};
  SqliteAttachmentRepo attachments_{db_};
  SqliteSurveyRepo surveys_{db_};
  SqliteMetricsRepo metrics_{db_};
  SqliteFaqRepo faq_{db_};
  SqliteNoticeRepo notices_{db_};
  SqliteEventRepo events_{db_};
  SqliteDiagnosticsRepo diagnostics_{db_, keys_};
  SqliteRuleRepo rules_{db_};
  SqlitePrivacyRepo privacy_{db_, keys_};
  SqliteAgentRepo agents_{db_};
};

}  // namespace

namespace {

int on_wal_commit(void *ctx, sqlite3 *, const char *, int pages) {
  if (pages >= 1000) static_cast<SqliteStore *>(ctx)->request_checkpoint();
  return SQLITE_OK;
}

}  // namespace

SqliteStore::SqliteStore(const std::string &path) : path_(path) {
  writer_ = open_connection(path);
  migrate(*writer_);
  writer_->exec("PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(writer_->handle(), on_wal_commit, this);
  ckpt_thread_ = std::thread([this] { checkpoint_loop(); });
}

void SqliteStore::request_checkpoint() {
  {
    std::lock_guard<std::mutex> g(ckpt_mutex_);
    ckpt_wanted_ = true;
  }
  ckpt_cv_.notify_one();
}

void SqliteStore::checkpoint_loop() {
  std::unique_ptr<SqliteConnection> db;
  try {
    db = open_connection(path_);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "helpline-server: checkpointer disabled: %s\n", e.what());
    return;
  }
  std::unique_lock<std::mutex> lock(ckpt_mutex_);
  for (;;) {
    ckpt_cv_.wait(lock, [this] { return ckpt_wanted_ || ckpt_stop_; });
    if (ckpt_stop_) return;
    ckpt_wanted_ = false;
    lock.unlock();
    int log_pages = 0, done_pages = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done_pages);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::fprintf(stderr, "helpline-server: WAL checkpoint failed: %s\n", sqlite3_errmsg(db->handle()));
    lock.lock();
  }
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard<std::mutex> g(ckpt_mutex_);
    ckpt_stop_ = true;
  }
  ckpt_cv_.notify_one();
  if (ckpt_thread_.joinable()) ckpt_thread_.join();
  readers_.clear();
  try {
    writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (...) {
    // Closing still checkpoints; a failed explicit checkpoint only leaves a larger WAL.
  }
}

std::unique_ptr<StoreTx> SqliteStore::write() {
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::make_unique<SqliteTx>(*this, *writer_, std::move(lock));
}

std::unique_ptr<StoreTx> SqliteStore::read() {
  return std::make_unique<SqliteTx>(*this, take_reader());
}

std::unique_ptr<SqliteConnection> SqliteStore::take_reader() {
  {
    std::lock_guard<std::mutex> g(pool_mutex_);
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      return db;
    }
  }
  return open_connection(path_);
}

void SqliteStore::give_reader(std::unique_ptr<SqliteConnection> db) {
  std::lock_guard<std::mutex> g(pool_mutex_);
  if (readers_.size() < 16) readers_.push_back(std::move(db));
}

}  // namespace helpline::server
