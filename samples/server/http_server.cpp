#include "http_server.hpp"

#include "access_log.hpp"
#include "api/api.hpp"
#include "change_notifier.hpp"
#include "fault_injector.hpp"
#include "http_types.hpp"
#include "query_string.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace helpline::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

void split_target(std::string_view target, HttpRequest &req) {
  size_t q = target.find('?');
  req.path = url_decode(target.substr(0, q));
  if (q != std::string_view::npos) req.query = parse_query(target.substr(q + 1));
}

std::string error_json(const char *code, const char *message) {
  return std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}}";
}

std::atomic<uint64_t> g_request_counter{0};

// The access log never names a principal: /v1/agent/principals/{principal}/... is logged with "-" for it (the
// erasure audit keeps only a pseudonym, docs/protocol.md section 20).
std::string loggable_path(const std::string &path) {
  static const std::string kPrincipals = "/v1/agent/principals/";
  if (path.compare(0, kPrincipals.size(), kPrincipals) != 0) return path;
  size_t end = path.find('/', kPrincipals.size());
  return kPrincipals + "-" + (end == std::string::npos ? std::string() : path.substr(end));
}

// RFC 9112 6.1 and 6.3: a request with Transfer-Encoding is framed by chunked, which must be its final (and
// only) coding, and must not carry Content-Length as well. Anything else would be read as "no body" and its
// body run as the next request (smuggling). Returns the status to answer (and close with), or 0.
int framing_status(const http::request_header<> &h, const char *&why) {
  bool any = false;
  std::vector<std::string> codings;
  for (const auto &f : h) {
    if (f.name() != http::field::transfer_encoding) continue;
    any = true;
    std::string_view v = f.value();
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      std::string_view item =
          v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      item = item.substr(0, item.find(';'));
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (!item.empty()) codings.emplace_back(item);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (!any) return 0;
  if (h.find(http::field::content_length) != h.end()) {
    why = "Transfer-Encoding together with Content-Length";
    return 400;
  }
  if (codings.empty() || !beast::iequals(codings.back(), "chunked")) {
    why = "Transfer-Encoding must end with chunked";
    return 400;
  }
  if (codings.size() > 1) {
    why = "transfer codings other than chunked are not supported";
    return 501;
  }
  return 0;
}

// A stderr line at most once per interval, with the count of the ones held back (a flood of failures must
// not become a flood of log lines).
class ThrottledReport {
 public:
  explicit ThrottledReport(std::chrono::seconds every) : every_(every) {}
  void note(const std::string &line) {
    auto now = Clock::now();
    if (last_ != Clock::time_point{} && now - last_ < every_) {
      ++held_;
      return;
    }
    if (held_ > 0)
      std::fprintf(stderr, "helpline-server: %s (and %llu more since the last report)\n", line.c_str(),
                   static_cast<unsigned long long>(held_));
    else
      std::fprintf(stderr, "helpline-server: %s\n", line.c_str());
    held_ = 0;
    last_ = now;
  }

 private:
  std::chrono::seconds every_;
  Clock::time_point last_{};
  uint64_t held_ = 0;
};

// Memory that in-memory request bodies being received may take, all connections together.
class BodyBudget {
 public:
  explicit BodyBudget(int64_t total) : left_(total) {}
  bool take(int64_t n) {
    int64_t cur = left_.load();
    while (cur >= n)
      if (left_.compare_exchange_weak(cur, cur - n)) return true;
    return false;
  }
  void give(int64_t n) { left_.fetch_add(n); }

 private:
  std::atomic<int64_t> left_;
};

constexpr size_t kBodyChunk = 64 * 1024;

}  // namespace

class Session;

struct HttpServer::Impl {
  Api &api;
  FaultInjector &faults;
  AccessLog &log;
  ChangeNotifier &notifier;
  ListenOptions opts;
  // Declared before the io_contexts: destroying them destroys parked sessions, which unregister here.
  std::mutex sessions_mutex;
  std::unordered_map<Session *, std::weak_ptr<Session>> sessions;
  // One single-threaded io_context per I/O thread: a connection lives on one thread, so no strands and no
  // cross-thread wake-ups on the hot path. Listening, signals and draining run on the first one.
  std::vector<std::unique_ptr<net::io_context>> iocs;
  size_t next_ioc = 0;
  net::io_context &ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::steady_timer drain_timer{ioc};
  std::atomic<bool> stopping{false};
  Clock::time_point drain_deadline;
  // Accepting (all on the first io_context): back-off after a failure, a descriptor held in reserve so that
  // at the descriptor limit a pending connection can still be taken off the queue (and closed), and
  // throttled reports.
  net::steady_timer accept_timer{ioc};
  std::chrono::milliseconds accept_backoff{0};
  int reserve_fd = -1;
  ThrottledReport accept_report{std::chrono::seconds(10)};
  ThrottledReport cap_report{std::chrono::seconds(10)};
  // Open connections, in all and per peer address.
  std::mutex connections_mutex;
  size_t open_connections = 0;
  std::unordered_map<std::string, size_t> per_address;
  BodyBudget body_budget;

  Impl(Api &a, FaultInjector &f, AccessLog &l, ChangeNotifier &n, const ListenOptions &o)
      : api(a),
        faults(f),
        log(l),
        notifier(n),
        opts(o),
        iocs(make_contexts(o.threads)),
        ioc(*iocs.front()),
        body_budget(o.max_inflight_body_bytes) {
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  ~Impl() {
    if (reserve_fd >= 0) ::close(reserve_fd);
  }
  static std::vector<std::unique_ptr<net::io_context>> make_contexts(int n) {
    std::vector<std::unique_ptr<net::io_context>> v;
    for (int i = 0; i < std::max(1, n); ++i) v.push_back(std::make_unique<net::io_context>(1));
    return v;
  }
  void accept();
  void on_accept_failure(const beast::error_code &ec);
  void shed_pending_connection();
  bool admit(const std::string &ip);
  void leave(const std::string &ip);
  void begin_shutdown();
  void drain_tick();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `ip` has been admitted (Impl::admit); the session leaves when it ends.
  Session(tcp::socket &&socket, HttpServer::Impl &server, std::string ip, std::string remote)
      : stream_(std::move(socket)),
        server_(server),
        timer_(stream_.get_executor()),
        peer_ip_(std::move(ip)),
        remote_(std::move(remote)) {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() {
    release_body();
    server_.leave(peer_ip_);
    std::lock_guard<std::mutex> g(server_.sessions_mutex);
    server_.sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard<std::mutex> g(server_.sessions_mutex);
      server_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Called (via post) at shutdown: idle keep-alive connections are closed, busy ones close after answering.
  void shutdown_if_idle() {
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    } else if (poll_) {
      woken_ = true;
      timer_.cancel();
    }
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void read_header() {
    if (server_.stopping) return close();
    release_body();
    req_ = HttpRequest{};
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // The real cap is set once the head is known (route, app): the precheck answers before a 413 would.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    idle_ = true;
    stream_.expires_after(std::chrono::seconds(120));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec) {
      if (ec == http::error::header_limit)
        return fail_fast(431, "invalid_request", "request headers too large");
      if (ec == http::error::body_limit)
        return fail_fast(413, "payload_too_large", "body exceeds the size cap");
      if (ec != http::error::end_of_stream && ec != net::error::operation_aborted &&
          ec != beast::error::timeout && ec != net::error::connection_reset && ec != net::error::eof)
        return fail_fast(400, "invalid_request", "malformed HTTP request");
      return close();
    }
    started_ = Clock::now();
    auto &h = parser_->get();
    const char *why = nullptr;
    if (int status = framing_status(h, why))
      return fail_fast(status, status == 501 ? "not_implemented" : "invalid_request", why);
    begin_request(h);
    keep_alive_ = h.keep_alive();
    const bool has_body = !parser_->is_done();
    if (has_body) {
      // Nothing is read (or spooled, or counted) for a request that cannot be served: unknown route, body
      // over the cap, wrong content type, missing or unknown app key. The unread body makes the connection
      // unusable: answer and close.
      std::optional<uint64_t> length;
      if (parser_->content_length()) length = *parser_->content_length();
      if (auto early = server_.api.precheck(req_, length)) {
        early->close = true;
        return send(std::move(*early));
      }
    }
    const std::string *app_key = req_.header("x-helpline-app-key");
    size_t limit = server_.api.body_limit(req_.path, app_key);
    if (parser_->content_length() && *parser_->content_length() > limit)
      return fail_fast(413, "payload_too_large", "body exceeds the size cap");
    parser_->body_limit(limit);
    if (!has_body) return on_body();
    const std::string *enc = req_.header("content-encoding");
    bool encoded = enc && !enc->empty() && !beast::iequals(*enc, "identity");
    if (Api::spools_body(req_.path) && !encoded) {
      // Uploads go to an unlinked temporary file, never whole into memory.
      spool_.reset(std::tmpfile(), std::fclose);
      if (!spool_) return fail_fast(503, "unavailable", "cannot store the upload now", 1);
    } else if (parser_->content_length()) {
      auto want = static_cast<int64_t>(*parser_->content_length());
      if (!reserve_body(want))
        return fail_fast(503, "unavailable", "too many request bodies in flight, retry later", 1);
      body_.reserve(static_cast<size_t>(want));
    }
    auto expect = h.find(http::field::expect);
    if (expect != h.end() && beast::iequals(expect->value(), "100-continue")) {
      // Clients (libcurl for bodies over 1 MiB) wait for this before sending the body.
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue),
                       [self = shared_from_this()](beast::error_code e, size_t) {
                         if (e) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  // The request as far as its head tells (the API's precheck sees this; the body follows).
  void begin_request(const http::request_header<> &h) {
    req_ = HttpRequest{};
    req_.method = std::string(h.method_string());
    req_.target = std::string(h.target());
    split_target(req_.target, req_);
    for (const auto &f : h) {
      std::string name(f.name_string());
      for (auto &ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req_.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req_.remote = remote_;
    char id[24];
    std::snprintf(id, sizeof id, "r%llx", static_cast<unsigned long long>(++g_request_counter));
    req_.request_id = id;
    fault_.clear();
    bytes_in_ = 0;
    // As sent (not yet authenticated), so faulted and rejected requests are attributable in the access log
    // too.
    const std::string *app = req_.header("x-helpline-app-key");
    const std::string *dev = req_.header("x-helpline-device-id");
    log_app_ = app ? *app : std::string();
    log_device_ = dev ? *dev : std::string();
  }

  // The body, one chunk at a time: into the spool file, or into memory within the body budget (a chunked body
  // takes its share as it grows).
  void read_body() {
    if (!chunk_) chunk_.reset(new char[kBodyChunk]);
    auto &b = parser_->get().body();
    b.data = chunk_.get();
    b.size = kBodyChunk;
    http::async_read_some(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code e, size_t) { self->on_body_part(e); });
  }

  void on_body_part(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit)
      return fail_fast(413, "payload_too_large", "body exceeds the size cap");
    if (ec) return close();
    size_t got = kBodyChunk - parser_->get().body().size;
    if (got > 0) {
      if (spool_) {
        if (std::fwrite(chunk_.get(), 1, got, spool_.get()) != got)
          return fail_fast(503, "unavailable", "cannot store the upload now", 1);
        spooled_ += got;
      } else {
        size_t need = body_.size() + got;
        if (need > static_cast<size_t>(lease_) && !reserve_body(static_cast<int64_t>(need) - lease_))
          return fail_fast(503, "unavailable", "too many request bodies in flight, retry later", 1);
        body_.append(chunk_.get(), got);
      }
    }
    if (!parser_->is_done()) return read_body();
    on_body();
  }

  void on_body() {
    chunk_.reset();
    if (spool_) {
      if (std::fflush(spool_.get()) != 0)
        return fail_fast(503, "unavailable", "cannot store the upload now", 1);
      req_.body_file = spool_;
      req_.body_file_size = spooled_;
      bytes_in_ = spooled_;
    } else {
      req_.body = std::move(body_);
      body_ = std::string();
      bytes_in_ = req_.body.size();
    }
    stream_.expires_never();

    if (server_.opts.faults_enabled && Api::faultable(req_.path)) return apply_pause();
    dispatch();
  }

  bool reserve_body(int64_t n) {
    if (n <= 0) return true;
    if (!server_.body_budget.take(n)) return false;
    lease_ += n;
    return true;
  }

  // Gives back this request's share of the body budget and drops its body (memory or spool file).
  void release_body() {
    if (lease_ > 0) server_.body_budget.give(lease_);
    lease_ = 0;
    body_ = std::string();
    req_.body = std::string();
    req_.body_file.reset();
    spool_.reset();
    spooled_ = 0;
    chunk_.reset();
  }

  void apply_pause() {
    auto until = server_.faults.paused_until();
    if (until > Clock::now()) {
      timer_.expires_at(until);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->apply_pause(); });
      return;
    }
    decision_ = server_.faults.decide(req_.path);
    if (decision_.delay_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(decision_.delay_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->apply_fault(); });
      return;
    }
    apply_fault();
  }

  void apply_fault() {
    switch (decision_.fault) {
      case Fault::none:
        return dispatch();
      case Fault::drop:
        fault_ = "drop";
        return dispatch();
      case Fault::status_500: {
        fault_ = "500";
        HttpResponse r;
        r.status = 500;
        r.body = error_json("injected_fault", "injected fault (test mode)");
        return send(std::move(r));
      }
      case Fault::status_503: {
        fault_ = "503";
        HttpResponse r;
        r.status = 503;
        r.body = error_json("injected_fault", "injected fault (test mode)");
        r.headers.emplace_back("Retry-After", "1");
        return send(std::move(r));
      }
      case Fault::status_429: {
        fault_ = "429";
        HttpResponse r;
        r.status = 429;
        r.body = error_json("rate_limited", "injected rate limit (test mode)");
        r.headers.emplace_back("Retry-After", "1");
        return send(std::move(r));
      }
    }
  }

  void dispatch() {
    HandleResult r = server_.api.handle(req_);
    log_app_ = r.log_app;
    log_device_ = r.log_device;
    if (r.wait) return park(std::move(r.wait));
    if (r.deferred) {
      auto self = shared_from_this();
      auto exec = stream_.get_executor();
      return r.deferred([self, exec](HttpResponse res) {
        net::post(exec, [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
      });
    }
    send(std::move(r.response));
  }

  // Long-poll: wait for the notifier or the deadline without holding a thread.
  void park(std::shared_ptr<LongPoll> lp) {
    poll_ = std::move(lp);
    woken_ = false;
    timer_.expires_at(poll_->deadline);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->on_poll_timer(); });
    std::weak_ptr<Session> weak = weak_from_this();
    auto exec = stream_.get_executor();
    poll_token_ = server_.notifier.subscribe(poll_->app_key, poll_->seen_seq, poll_->owner, poll_->device_id,
                                             [weak, exec] {
                                               net::post(exec, [weak] {
                                                 if (auto s = weak.lock()) {
                                                   s->woken_ = true;
                                                   s->timer_.cancel();
                                                 }
                                               });
                                             });
    if (server_.stopping) {
      woken_ = true;
      timer_.cancel();
    }
  }

  void on_poll_timer() {
    if (!poll_) return;
    server_.notifier.cancel(poll_token_);
    auto lp = std::move(poll_);
    poll_.reset();
    bool final = server_.stopping || (!woken_ && Clock::now() >= lp->deadline);
    HandleResult r;
    try {
      r = lp->retry(final);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "helpline-server: long-poll retry failed: %s\n", e.what());
      r.response.status = 500;
      r.response.body = error_json("internal", "internal server error");
    }
    if (r.wait && !final) return park(std::move(r.wait));
    if (r.wait) {  // final round must answer; an empty page is produced by the handler
      r = r.wait->retry(true);
    }
    send(std::move(r.response));
  }

  void send(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "helpline-server");
    res->set("X-Request-Id", req_.request_id);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto &h : r.headers) {
      if (beast::iequals(h.first, "Set-Cookie"))
        res->insert(h.first, h.second);  // one header per cookie
      else
        res->set(h.first, h.second);
    }
    bool close_after = r.close || !keep_alive_ || server_.stopping;
    res->keep_alive(!close_after);
    if (req_.method != "HEAD") res->body() = std::move(r.body);
    res->prepare_payload();
    status_ = r.status;
    bytes_out_ = res->body().size();
    if (fault_ == "drop") return drop();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, close_after](beast::error_code ec, size_t) {
                        self->log_request();
                        if (ec || close_after) return self->close();
                        self->read_header();
                      });
  }

  // The request was executed and committed; the client only sees a truncated status line.
  void drop() {
    auto partial = std::make_shared<std::string>("HTTP/1.1 2");
    net::async_write(stream_.socket(), net::buffer(*partial),
                     [self = shared_from_this(), partial](beast::error_code, size_t) {
                       self->log_request();
                       self->close();
                     });
  }

  void fail_fast(int status, const char *code, const char *message, int retry_after = 0) {
    started_ = Clock::now();
    req_ = HttpRequest{};  // nothing of an earlier request on this connection may leak into the log line
    bytes_in_ = 0;
    char id[24];
    std::snprintf(id, sizeof id, "r%llx", static_cast<unsigned long long>(++g_request_counter));
    req_.request_id = id;
    fault_.clear();
    if (parser_) {
      const auto &h = parser_->get();
      req_.method = std::string(h.method_string());
      std::string t(h.target());
      req_.path = t.substr(0, t.find('?'));
      auto app = h.find("X-Helpline-App-Key");
      auto dev = h.find("X-Helpline-Device-Id");
      log_app_ = app == h.end() ? std::string() : std::string(app->value());
      log_device_ = dev == h.end() ? std::string() : std::string(dev->value());
    }
    keep_alive_ = false;
    HttpResponse r;
    r.status = status;
    r.body = error_json(code, message);
    r.close = true;
    if (retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after));
    send(std::move(r));
  }

  void log_request() {
    if (!server_.log.enabled()) return;
    AccessEntry e;
    e.req_id = req_.request_id;
    e.remote = remote_;
    e.method = req_.method;
    e.path = loggable_path(req_.path);
    e.app = log_app_;
    e.device = log_device_;
    e.fault = fault_;
    e.status = status_;
    e.bytes_in = bytes_in_;
    e.bytes_out = bytes_out_;
    e.dur_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
    server_.log.write(e);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl &server_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  HttpRequest req_;
  std::string peer_ip_, remote_, log_app_, log_device_, fault_;
  std::unique_ptr<char[]> chunk_;     // while a body is read
  std::string body_;                  // an in-memory body being read
  int64_t lease_ = 0;                 // its share of the body budget
  std::shared_ptr<std::FILE> spool_;  // an upload being spooled
  uint64_t spooled_ = 0;
  uint64_t bytes_in_ = 0;
  bool keep_alive_ = true;
  bool idle_ = false;
  bool woken_ = false;
  std::shared_ptr<LongPoll> poll_;
  uint64_t poll_token_ = 0;
  FaultDecision decision_;
  Clock::time_point started_;
  int status_ = 0;
  size_t bytes_out_ = 0;
};

void HttpServer::Impl::accept() {
  net::io_context &target = *iocs[next_ioc++ % iocs.size()];
  acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) return;
      return on_accept_failure(ec);
    }
    accept_backoff = std::chrono::milliseconds(0);
    if (reserve_fd < 0) reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    beast::error_code e;
    auto ep = socket.remote_endpoint(e);
    std::string ip = e ? std::string() : ep.address().to_string();
    if (admit(ip)) {
      std::string remote = e ? std::string() : ip + ":" + std::to_string(ep.port());
      std::make_shared<Session>(std::move(socket), *this, std::move(ip), std::move(remote))->start();
    } else {
      // Over a connection cap: a best-effort 503 (never blocking), then closed.
      static const std::string kBody =
          error_json("unavailable", "too many connections from this address or in all, retry later");
      static const std::string k503 =
          "HTTP/1.1 503 Service Unavailable\r\nServer: helpline-server\r\nContent-Type: application/json\r\n"
          "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
          std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
      socket.non_blocking(true, e);
      socket.send(net::buffer(k503), 0, e);
      socket.shutdown(tcp::socket::shutdown_both, e);
      socket.close(e);
      cap_report.note("connection refused: over --max-connections or --max-connections-per-address");
    }
    if (!stopping) accept();
  });
}

// Retrying at once would spin (the failing condition, e.g. EMFILE, persists while connections wait in the
// queue): wait 50 ms, doubling to 1 s while failures go on. At the descriptor limit the reserve descriptor
// makes room to take one waiting connection off the queue and close it, so clients see a refusal rather
// than a hang.
void HttpServer::Impl::on_accept_failure(const beast::error_code &ec) {
  bool out_of_descriptors = ec == net::error::no_descriptors || ec.value() == ENFILE;
  if (out_of_descriptors) shed_pending_connection();
  accept_backoff = accept_backoff.count() == 0
                       ? std::chrono::milliseconds(50)
                       : std::min(accept_backoff * 2, std::chrono::milliseconds(1000));
  accept_report.note("accept failed: " + ec.message() + "; retrying with back-off");
  accept_timer.expires_after(accept_backoff);
  accept_timer.async_wait([this](beast::error_code e) {
    if (!e && !stopping) accept();
  });
}

void HttpServer::Impl::shed_pending_connection() {
  if (reserve_fd >= 0) {
    ::close(reserve_fd);
    reserve_fd = -1;
  }
  int listener = acceptor.native_handle();
  pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool HttpServer::Impl::admit(const std::string &ip) {
  std::lock_guard<std::mutex> g(connections_mutex);
  if (open_connections >= opts.max_connections) return false;
  auto it = per_address.find(ip);
  if (it != per_address.end() && it->second >= opts.max_connections_per_address) return false;
  if (it == per_address.end()) it = per_address.emplace(ip, 0).first;
  ++it->second;
  ++open_connections;
  return true;
}

void HttpServer::Impl::leave(const std::string &ip) {
  std::lock_guard<std::mutex> g(connections_mutex);
  auto it = per_address.find(ip);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  if (open_connections > 0) --open_connections;
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  accept_timer.cancel();
  notifier.shutdown();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> g(sessions_mutex);
    for (auto &s : sessions)
      if (auto p = s.second.lock()) live.push_back(std::move(p));
  }
  for (auto &s : live) net::post(s->executor(), [s] { s->shutdown_if_idle(); });
  drain_deadline = Clock::now() + std::chrono::seconds(5);
  drain_tick();
}

void HttpServer::Impl::drain_tick() {
  bool empty;
  {
    std::lock_guard<std::mutex> g(sessions_mutex);
    empty = sessions.empty();
  }
  if (empty || Clock::now() >= drain_deadline) {
    for (auto &c : iocs) c->stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(20));
  drain_timer.async_wait([this](beast::error_code) { drain_tick(); });
}

HttpServer::HttpServer(Api &api, FaultInjector &faults, AccessLog &log, ChangeNotifier &notifier,
                       const ListenOptions &opts)
    : impl_(std::make_unique<Impl>(api, faults, log, notifier, opts)) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::listen() {
  auto &i = *impl_;
  tcp::endpoint ep(net::ip::make_address(i.opts.host), i.opts.port);
  i.acceptor.open(ep.protocol());
  i.acceptor.non_blocking(true);
  i.acceptor.set_option(net::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(net::socket_base::max_listen_connections);
  return i.acceptor.local_endpoint().port();
}

void HttpServer::run() {
  auto &i = *impl_;
  i.signals.async_wait([&i](beast::error_code ec, int) {
    if (!ec) i.begin_shutdown();
  });
  i.accept();
  // Worker contexts have no work until a connection arrives: keep them running until shutdown.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  for (size_t t = 1; t < i.iocs.size(); ++t) {
    guards.push_back(net::make_work_guard(*i.iocs[t]));
    threads.emplace_back([&i, t] { i.iocs[t]->run(); });
  }
  i.ioc.run();
  for (auto &c : i.iocs) c->stop();
  for (auto &t : threads) t.join();
}

}  // namespace helpline::server
