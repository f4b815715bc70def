// What the handler classes share, passed to each by reference: configuration, the store, the long-poll
// notifier, and the server's long-lived helpers. Owned by Api.
#pragma once
#include <string>

namespace helpline::server {

class ChangeNotifier;
class DiagnosticsIngest;
class FaqAnswers;
class FaqExpansionCache;
class FaultInjector;
class OtlpExporter;
class RateLimiter;
class RuleEngine;
class Store;
struct ServerConfig;

struct ApiContext {
  ServerConfig &config;
  Store &store;
  ChangeNotifier &notifier;
  RateLimiter &limiter;
  FaultInjector &faults;
  FaqAnswers &faq_answers;            // automated answers on new tickets
  FaqExpansionCache &faq_expansions;  // the FAQ's query expansion table per app
  RuleEngine &rules;                  // server rules (a diagnostics sink)
  DiagnosticsIngest &ingest;          // the group-commit writer of diagnostics
  OtlpExporter *otlp = nullptr;       // null: export off
  std::string console_dir;            // "": console not served
};

}  // namespace helpline::server
