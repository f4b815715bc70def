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

#include <atomic>
#include <cstdio>
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

  Impl(Api &a, FaultInjector &f, AccessLog &l, ChangeNotifier &n, const ListenOptions &o)
      : api(a), faults(f), log(l), notifier(n), opts(o), iocs(make_contexts(o.threads)), ioc(*iocs.front()) {}
  static std::vector<std::unique_ptr<net::io_context>> make_contexts(int n) {
    std::vector<std::unique_ptr<net::io_context>> v;
    for (int i = 0; i < std::max(1, n); ++i) v.push_back(std::make_unique<net::io_context>(1));
    return v;
  }
  void accept();
  void begin_shutdown();
  void drain_tick();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket &&socket, HttpServer::Impl &server)
      : stream_(std::move(socket)), server_(server), timer_(stream_.get_executor()) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() {
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
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(server_.opts.largest_body + 1);
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
    auto key = h.find("X-Helpline-App-Key");
    std::string app_key = key == h.end() ? std::string() : std::string(key->value());
    std::string target(h.target());
    std::string path = target.substr(0, target.find('?'));
    size_t limit = server_.api.body_limit(path, key == h.end() ? nullptr : &app_key);
    if (parser_->content_length() && *parser_->content_length() > limit)
      return fail_fast(413, "payload_too_large", "body exceeds the size cap");
    parser_->body_limit(limit);
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

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code e, size_t) { self->on_body(e); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return fail_fast(413, "payload_too_large", "body exceeds the size cap");
    if (ec) return close();
    auto msg = parser_->release();
    req_ = HttpRequest{};
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    split_target(req_.target, req_);
    for (const auto &f : msg) {
      std::string name(f.name_string());
      for (auto &ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req_.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req_.body = std::move(msg.body());
    req_.remote = remote_;
    char id[24];
    std::snprintf(id, sizeof id, "r%llx", static_cast<unsigned long long>(++g_request_counter));
    req_.request_id = id;
    keep_alive_ = msg.keep_alive();
    fault_.clear();
    // As sent (not yet authenticated), so faulted and rejected requests are attributable in the access log
    // too.
    const std::string *app = req_.header("x-helpline-app-key");
    const std::string *dev = req_.header("x-helpline-device-id");
    log_app_ = app ? *app : std::string();
    log_device_ = dev ? *dev : std::string();
    stream_.expires_never();

    if (server_.opts.faults_enabled && Api::faultable(req_.path)) return apply_pause();
    dispatch();
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

  void fail_fast(int status, const char *code, const char *message) {
    started_ = Clock::now();
    req_ = HttpRequest{};  // nothing of an earlier request on this connection may leak into the log line
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
    e.bytes_in = req_.body.size();
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
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest req_;
  std::string remote_, log_app_, log_device_, fault_;
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
      std::fprintf(stderr, "helpline-server: accept failed: %s\n", ec.message().c_str());
    } else {
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    if (!stopping) accept();
  });
}

void HttpServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
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
