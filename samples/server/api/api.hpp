// The protocol (docs/protocol.md) as transport-neutral request handling, no Boost in here: Api authenticates,
// decodes bodies, runs each route's handler in its transaction and turns errors into replies. The handlers
// live in one class per resource (api/<resource>.hpp), each adding its routes to the router.
#pragma once
#include "api/context.hpp"
#include "api/diagnostics_ingest.hpp"
#include "api/faq_expansion_cache.hpp"
#include "api/router.hpp"
#include "api/rule_engine.hpp"
#include "change_notifier.hpp"
#include "config.hpp"
#include "faq_answers.hpp"
#include "fault_injector.hpp"
#include "http_types.hpp"
#include "rate_limiter.hpp"
#include "store/store.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace helpline::server {

class OtlpExporter;

class Api {
 public:
  Api(ServerConfig &config, Store &store, ChangeNotifier &notifier, RateLimiter &limiter,
      FaultInjector &faults, bool test_mode);
  ~Api();
  void init();  // primes the notifier with each app's newest sync sequence
  void stop();  // finishes background writes (diagnostics ingest); call once the transport has stopped
  HandleResult handle(const HttpRequest &req);
  // Cap for the transport to enforce before reading a body.
  size_t body_limit(const std::string &path, const std::string *app_key) const;
  // Checks the transport runs on the head of a request with a body, before reading it, in the documented
  // order (routing 404/405, the declared `length` over the cap 413, Content-Encoding/Content-Type 415, then a
  // missing or unknown app key of a device or agent-login route and a missing agent token 401).
  // nullopt: read the body and handle(). Cheap: no store access.
  std::optional<HttpResponse> precheck(const HttpRequest &head, std::optional<uint64_t> length) const;
  // Routes whose body the transport streams to a temporary file instead of memory (attachment uploads).
  static bool spools_body(const std::string &path);
  // Per-client-address token bucket on device routes (besides the per-device one). rate <= 0: ten times the
  // app's per-device rate (and burst); so an app without a device limit has no address limit either.
  void set_address_limits(double requests_per_second, double burst) {
    address_rate_ = requests_per_second;
    address_burst_ = burst;
  }
  static bool faultable(const std::string &path);
  // Exports committed diagnostics to an OTLP collector (null = export off). Call before serving.
  void set_otlp(OtlpExporter *exporter);
  // Directory of the web console's static files ("" = console not served).
  void set_console_dir(std::string dir) { ctx_.console_dir = std::move(dir); }
  const Router &router() const { return router_; }

 private:
  struct Handlers;  // one object per resource (api.cpp)

  Reply dispatch(const HttpRequest &req, HandleResult &result);
  Reply health(Call &c);
  void maybe_purge();

  FaqAnswers faq_answers_;
  FaqExpansionCache faq_expansions_;
  RuleEngine rules_;  // before ingest_: the ingest thread calls it until ingest_ stops
  DiagnosticsIngest ingest_;
  ApiContext ctx_;
  Router router_;
  std::unique_ptr<Handlers> handlers_;
  std::atomic<int64_t> last_purge_{0};
  double address_rate_ = 0;
  double address_burst_ = 0;
};

}  // namespace helpline::server
