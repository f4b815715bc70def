#pragma once
// Shared helpers for the SDK integration tests (issue 5): an SDK instance through the public C API, an event
// recorder, and read-only queries of the server's database to see what was delivered and how often.

#include <boost/test/unit_test.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
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
    /// Waits until some event of `type` contains every string of `needles`; returns whether one came.
    bool wait_contains(helpline_event_type_t type, const std::vector<std::string> &needles,
                       std::chrono::milliseconds timeout) {
        return wait_for(type, [&](const std::vector<std::string> &evs) { return count_matching(evs, needles) > 0; },
                        timeout);
    }
    /// How many events of `type` contain every string of `needles`.
    std::size_t count(helpline_event_type_t type, const std::vector<std::string> &needles = {}) const {
        return count_matching(of(type), needles);
    }
    /// Every event as "<type> <json>" lines, for failure messages.
    std::string dump() const {
        std::lock_guard<std::mutex> lock(mu_);
        std::string out;
        for (const auto &[t, j] : events_) out += std::to_string(t) + " " + j + "\n";
        return out;
    }
    static std::size_t count_matching(const std::vector<std::string> &evs, const std::vector<std::string> &needles) {
        std::size_t n = 0;
        for (const auto &j : evs) {
            bool all = true;
            for (const auto &needle : needles) all = all && j.find(needle) != std::string::npos;
            if (all) ++n;
        }
        return n;
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

// ---------------------------------------------------------------------------------------------------------------
// Issue 6 helpers: JSON documents, the local view, agents, identity tokens, files.

/// Parses JSON text; BOOST_REQUIREs that it parses.
inline rapidjson::Document parse(const std::string &json) {
    rapidjson::Document d;
    d.Parse(json.c_str(), json.size());
    BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "not JSON: " << json.substr(0, 2000));
    return d;
}

/// Compact JSON text of a value (for messages and substring checks).
inline std::string to_json(const rapidjson::Value &v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
}

inline std::string str_of(const rapidjson::Value &o, const char *key) {
    if (!o.IsObject() || !o.HasMember(key) || !o[key].IsString()) return "<missing>";
    return std::string(o[key].GetString(), o[key].GetStringLength());
}
inline long long int_of(const rapidjson::Value &o, const char *key, long long fallback = -1) {
    if (!o.IsObject() || !o.HasMember(key) || !o[key].IsInt64()) return fallback;
    return o[key].GetInt64();
}
inline bool is_null(const rapidjson::Value &o, const char *key) {
    return o.IsObject() && o.HasMember(key) && o[key].IsNull();
}

/// helpline_tickets_json as text ("" and a failed check when the call fails).
inline std::string tickets_text(helpline_t *h) {
    char *json = nullptr;
    helpline_status_t s = helpline_tickets_json(h, &json);
    BOOST_CHECK_MESSAGE(s == HELPLINE_OK, "helpline_tickets_json: " << helpline_status_str(s) << " "
                                                                    << helpline_last_error(h));
    if (s != HELPLINE_OK) return "{\"tickets\":[]}";
    std::string out(json);
    helpline_free(json);
    return out;
}
inline rapidjson::Document tickets_doc(helpline_t *h) { return parse(tickets_text(h)); }

/// The local view's ticket `id` (a copy into `out`); false when it is not listed.
inline bool local_ticket(helpline_t *h, const std::string &id, rapidjson::Document &out) {
    rapidjson::Document d = tickets_doc(h);
    if (!d.IsObject() || !d.HasMember("tickets") || !d["tickets"].IsArray()) return false;
    for (auto &t : d["tickets"].GetArray()) {
        if (str_of(t, "id") == id) {
            out.CopyFrom(t, out.GetAllocator());
            return true;
        }
    }
    return false;
}
inline std::size_t local_ticket_count(helpline_t *h, const std::string &id = "") {
    rapidjson::Document d = tickets_doc(h);
    std::size_t n = 0;
    for (auto &t : d["tickets"].GetArray()) {
        if (id.empty() || str_of(t, "id") == id) ++n;
    }
    return n;
}

/// helpline_ticket_messages_json: the status, and the document in *out when OK.
inline helpline_status_t messages_doc(helpline_t *h, const std::string &ticket_id, rapidjson::Document &out) {
    char *json = nullptr;
    helpline_status_t s = helpline_ticket_messages_json(h, ticket_id.c_str(), &json);
    if (s != HELPLINE_OK) return s;
    out.Parse(json);
    helpline_free(json);
    BOOST_REQUIRE(!out.HasParseError());
    return s;
}

/// Polls `pred` every 10 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()> &pred, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        if (pred()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

/// helpline_flush in steps, nudging the worker between them, until OK or `timeout`.
inline helpline_status_t flush(helpline_t *h, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = Clock::now() + timeout;
    helpline_status_t s = HELPLINE_E_TIMEOUT;
    while (s == HELPLINE_E_TIMEOUT && Clock::now() < deadline) {
        s = helpline_flush(h, 1000);
        if (s == HELPLINE_E_TIMEOUT) helpline_sync_now(h);
    }
    return s;
}

/// A ticket created through the SDK, its id returned (BOOST_REQUIREs success).
inline std::string create_ticket(helpline_t *h, const std::string &subject, const std::string &body,
                                 const char *fields = nullptr) {
    char *id = nullptr;
    helpline_status_t s = helpline_ticket_create(h, subject.c_str(), body.c_str(), fields, &id);
    BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK && id != nullptr,
                          "helpline_ticket_create: " << helpline_status_str(s) << " " << helpline_last_error(h));
    std::string out(id);
    helpline_free(id);
    return out;
}
inline std::string send_message(helpline_t *h, const std::string &ticket_id, const std::string &body) {
    char *id = nullptr;
    helpline_status_t s = helpline_message_send(h, ticket_id.c_str(), body.c_str(), &id);
    BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK && id != nullptr,
                          "helpline_message_send: " << helpline_status_str(s) << " " << helpline_last_error(h));
    std::string out(id);
    helpline_free(id);
    return out;
}

/// An agent of the default app with an HTTP client that sends its token.
struct Agent {
    hlt::AgentAccount account;
    hlt::HttpClient http;
    explicit Agent(const hlt::ServerProcess &server)
        : account(hlt::create_and_login_agent(server, unique("agent") + "@example.com")), http(server.base_url()) {
        http.set_default_header("Authorization", "Bearer " + account.token);
    }
    /// GET returning the parsed body; BOOST_REQUIREs `expect_status`.
    rapidjson::Document get(const std::string &path, long expect_status = 200) {
        hlt::Response r = http.get(path);
        BOOST_REQUIRE_MESSAGE(r.status == expect_status, "GET " << path << ": " << r.describe());
        return r.body.empty() ? rapidjson::Document() : parse(r.body);
    }
    long status_of(const std::string &path) { return http.get(path).status; }
    rapidjson::Document ticket(const std::string &id) { return get("/v1/agent/tickets/" + id); }
    /// All messages of a ticket on the server, oldest first.
    rapidjson::Document messages(const std::string &id) { return get("/v1/agent/tickets/" + id + "/messages?limit=100"); }
    /// Tickets whose subject contains `q`.
    rapidjson::Document find(const std::string &q) {
        return get("/v1/agent/tickets?limit=100&q=" + hlt::url_encode(q));
    }
    void reply(const std::string &ticket_id, const std::string &body, const std::string &status = "") {
        std::string json = "{\"body\":\"" + body + "\"" + (status.empty() ? "" : ",\"status\":\"" + status + "\"") + "}";
        hlt::Response r = http.post("/v1/agent/tickets/" + ticket_id + "/messages", json);
        BOOST_REQUIRE_MESSAGE(r.status == 201, "agent reply: " << r.describe());
    }
    void set_status(const std::string &ticket_id, const std::string &status) {
        hlt::Response r = http.patch("/v1/agent/tickets/" + ticket_id, "{\"status\":\"" + status + "\"}");
        BOOST_REQUIRE_MESSAGE(r.status == 200, "agent status: " << r.describe());
    }
    std::string status(const std::string &ticket_id) { return str_of(ticket(ticket_id), "status"); }
};

/// An identity JWT for `user` signed with the default app's secret (ttl in seconds; negative: expired).
inline std::string jwt(const std::string &user, long long ttl_s = 3600) {
    return hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(user, ttl_s));
}

/// Writes `n` bytes of a pattern that depends on `seed` to `file`; returns the content.
inline std::string write_pattern(const std::filesystem::path &file, std::size_t n, unsigned seed = 1) {
    std::string data(n, '\0');
    uint32_t x = 2463534242u ^ seed;
    for (std::size_t i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = static_cast<char>(x & 0xff);
    }
    hlt::write_file(file, data);
    return data;
}

/// Regular files directly in `dir` (0 when it does not exist).
inline std::size_t files_in(const std::filesystem::path &dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return 0;
    std::size_t n = 0;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
        if (e.is_regular_file()) ++n;
    }
    return n;
}

}  // namespace sdk
