#pragma once
// Shared helpers for the SDK integration tests (issue 5): an SDK instance through the public C API, an event
// recorder, and read-only queries of the server's database to see what was delivered and how often.

#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helpline/helpline.h"
#include "helpline/testing.hpp"

namespace hlt = helpline::testing;

namespace sdk {

using Clock = std::chrono::steady_clock;

inline long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

/// A process-unique tag for markers (so tests sharing a server never see each other's items).
inline std::string unique(const std::string &prefix) {
    static std::atomic<int> counter{0};
    return prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

/// Events delivered to the callback (worker thread), kept for assertions.
class EventLog {
public:
    static void callback(void *user, helpline_event_type_t type, const char *json) {
        auto *self = static_cast<EventLog *>(user);
        std::lock_guard<std::mutex> lock(self->mu_);
        self->events_.emplace_back(type, json);
        self->cv_.notify_all();
    }
    std::vector<std::string> of(helpline_event_type_t type) const {
        std::lock_guard<std::mutex> lock(mu_);
        std::vector<std::string> out;
        for (const auto &[t, j] : events_) {
            if (t == type) out.push_back(j);
        }
        return out;
    }
    /// Waits until `pred(events of type)` holds or `timeout` passes; returns whether it held.
    bool wait_for(helpline_event_type_t type, const std::function<bool(const std::vector<std::string> &)> &pred,
                  std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, timeout, [&] {
            std::vector<std::string> sel;
            for (const auto &[t, j] : events_) {
                if (t == type) sel.push_back(j);
            }
            return pred(sel);
        });
    }
    void clear() {
        std::lock_guard<std::mutex> lock(mu_);
        events_.clear();
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::pair<helpline_event_type_t, std::string>> events_;
};

struct OpenConfig {
    std::string endpoint;          ///< empty: none set
    std::string data_dir;
    uint32_t long_poll_s = 0;
    uint64_t storage_limit = 0;    ///< 0: default
    EventLog *events = nullptr;
    helpline_transport_fn transport = nullptr;
    void *transport_user = nullptr;
};

/// helpline_open with the given settings; returns the status and sets *out.
inline helpline_status_t open_sdk(const OpenConfig &c, helpline_t **out) {
    helpline_options_t *o = helpline_options_new();
    if (o == nullptr) throw std::runtime_error("helpline_options_new returned NULL");
    auto check = [&](helpline_status_t s, const char *what) {
        if (s != HELPLINE_OK) {
            helpline_options_free(o);
            throw std::runtime_error(std::string(what) + ": " + helpline_status_str(s) + " " +
                                     helpline_last_error(nullptr));
        }
    };
    if (!c.endpoint.empty()) check(helpline_options_set_endpoint(o, c.endpoint.c_str()), "set_endpoint");
    check(helpline_options_set_app_key(o, hlt::kAppKey.c_str()), "set_app_key");
    check(helpline_options_set_data_dir(o, c.data_dir.c_str()), "set_data_dir");
    check(helpline_options_set_long_poll(o, c.long_poll_s), "set_long_poll");
    if (c.storage_limit != 0) check(helpline_options_set_storage_limit(o, c.storage_limit), "set_storage_limit");
    if (c.events != nullptr) check(helpline_options_set_event_callback(o, &EventLog::callback, c.events), "set_cb");
    if (c.transport != nullptr) check(helpline_options_set_transport(o, c.transport, c.transport_user), "transport");
    return helpline_open(o, out);
}

/// An open instance that is closed (timeout 0: nothing waits) when the test ends.
class Sdk {
public:
    explicit Sdk(const OpenConfig &c) {
        helpline_status_t s = open_sdk(c, &h_);
        if (s != HELPLINE_OK) {
            throw std::runtime_error(std::string("helpline_open: ") + helpline_status_str(s) + " " +
                                     helpline_last_error(nullptr));
        }
    }
    ~Sdk() {
        if (h_ != nullptr) helpline_close(h_, 0);
    }
    Sdk(const Sdk &) = delete;
    Sdk &operator=(const Sdk &) = delete;
    helpline_t *get() const { return h_; }
    operator helpline_t *() const { return h_; }
    helpline_status_t close(uint32_t timeout_ms) {
        helpline_status_t s = helpline_close(h_, timeout_ms);
        h_ = nullptr;
        return s;
    }

private:
    helpline_t *h_ = nullptr;
};

/// The stats document as text.
inline std::string stats(helpline_t *h) {
    char *json = nullptr;
    if (helpline_stats_json(h, &json) != HELPLINE_OK) return "{}";
    std::string out(json);
    helpline_free(json);
    return out;
}

/// An integer field of a flat JSON object ("dropped": 3) or -1 when absent.
inline long long json_int(const std::string &json, const std::string &field) {
    const std::string key = "\"" + field + "\":";
    auto pos = json.find(key);
    if (pos == std::string::npos) return -1;
    return std::stoll(json.substr(pos + key.size()));
}

/// A string field of a flat JSON object, or "" when absent / not a string.
inline std::string json_str(const std::string &json, const std::string &field) {
    const std::string key = "\"" + field + "\":\"";
    auto pos = json.find(key);
    if (pos == std::string::npos) return "";
    pos += key.size();
    auto end = json.find('"', pos);
    return json.substr(pos, end - pos);
}

inline long long stat(helpline_t *h, const std::string &field) { return json_int(stats(h), field); }

/// Runs a query on a SQLite file opened read-only and returns the rows as text columns.
inline std::vector<std::vector<std::string>> query(const std::filesystem::path &db_file, const std::string &sql,
                                                   const std::vector<std::string> &params = {}) {
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw std::runtime_error("open " + db_file.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string msg = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("prepare " + sql + ": " + msg);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const unsigned char *t = sqlite3_column_text(st, c);
            row.emplace_back(t ? reinterpret_cast<const char *>(t) : "");
        }
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc != SQLITE_DONE) throw std::runtime_error("query failed: " + sql);
    return rows;
}

/// How many times each survey comment starting with `prefix` is on the server.
inline std::map<std::string, int> surveys_on_server(const hlt::ServerProcess &server, const std::string &prefix) {
    std::map<std::string, int> out;
    for (const auto &row : query(server.db_path(),
                                 "SELECT comment, count(*) FROM surveys WHERE substr(comment, 1, length(?1)) = ?1 "
                                 "GROUP BY comment",
                                 {prefix})) {
        out[row[0].substr(0, row[0].find('|'))] += std::stoi(row[1]);  // "|..." is padding
    }
    return out;
}

/// How many times each diagnostics item with attributes {"run": run, "seq": n} is on the server, by n.
inline std::map<long long, int> diagnostics_on_server(const hlt::ServerProcess &server, const std::string &run) {
    std::map<long long, int> out;
    for (const auto &row : query(server.db_path(),
                                 "SELECT json_extract(attributes, '$.seq'), count(*) FROM diagnostics "
                                 "WHERE json_extract(attributes, '$.run') = ?1 GROUP BY 1",
                                 {run})) {
        out[std::stoll(row[0])] = std::stoi(row[1]);
    }
    return out;
}

inline std::string survey_comment(const std::string &run, long long seq) { return run + "#" + std::to_string(seq); }
inline std::string diag_attributes(const std::string &run, long long seq, const std::string &pad = "") {
    std::string j = "{\"run\":\"" + run + "\",\"seq\":" + std::to_string(seq);
    if (!pad.empty()) j += ",\"pad\":\"" + pad + "\"";
    return j + "}";
}

/// Submits a survey whose comment marks it, retrying while the hand-off queue is busy.
inline helpline_status_t submit_survey(helpline_t *h, const std::string &run, long long seq,
                                       const char *ticket_id = nullptr, const std::string &pad = "") {
    const std::string comment = survey_comment(run, seq) + (pad.empty() ? "" : "|" + pad);
    helpline_status_t s;
    while ((s = helpline_survey_submit(h, HELPLINE_SURVEY_NPS, static_cast<int>(seq % 11), ticket_id,
                                       comment.c_str())) == HELPLINE_E_BUSY) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return s;
}

inline helpline_status_t send_diagnostic(helpline_t *h, const std::string &run, long long seq,
                                         const std::string &pad = "") {
    const std::string attrs = diag_attributes(run, seq, pad);
    helpline_status_t s;
    while ((s = helpline_diagnostics_send(h, "test_event", attrs.c_str())) == HELPLINE_E_BUSY) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return s;
}

/// The device id the SDK generated for data_dir (its meta table).
inline std::string device_id_of(const std::string &data_dir) {
    auto rows = query(std::filesystem::path(data_dir) / "helpline.db", "SELECT value FROM meta WHERE key = 'device_id'");
    return rows.empty() ? std::string() : rows[0][0];
}

/// Access-log lines (JSON, one per request) of `server` for device `device` and path `path`.
inline std::vector<std::string> access_log_lines(const std::filesystem::path &log, const std::string &device,
                                                 const std::string &path) {
    std::vector<std::string> out;
    const std::string text = hlt::read_file(log);
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.find("\"path\":\"" + path + "\"") == std::string::npos) continue;
        if (!device.empty() && line.find("\"device\":\"" + device + "\"") == std::string::npos) continue;
        out.push_back(line);
    }
    return out;
}

/// An endpoint where nothing listens (a port we bound and closed; connections are refused at once).
inline std::string closed_endpoint() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("closed_endpoint: cannot bind 127.0.0.1:0");
    }
    ::close(fd);
    return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

}  // namespace sdk
