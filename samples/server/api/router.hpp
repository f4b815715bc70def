// The route table: which handler serves which method and path, how the caller authenticates, what body it
// sends, and how its transaction runs. Each resource's handler class adds its own routes (add_routes).
#pragma once
#include "api/call.hpp"

#include <functional>
#include <string>
#include <vector>

namespace helpline::server {

enum class RouteKind { open, device, agent, agent_login, test };
enum class BodyKind { none, json, optional_json, raw };
// How dispatch runs a route's handler.
enum class TxMode {
  standard,  // a read transaction for reads; a write transaction (Idempotency-Key, CSRF) for writes
  own,       // no transaction: the handler opens its own (long-poll sync) or hands the work to a thread
  audited,   // a read that writes its audit row: a write transaction, without a CSRF token
};

using Handler = std::function<Reply(Call &)>;

struct Route {
  const char *method;
  std::string pattern;  // "{}" = one path parameter
  Handler handler;
  RouteKind kind;
  BodyKind body;
  bool write;
  bool idempotent;  // honours the Idempotency-Key header
  bool batchable;   // allowed as a /v1/batch item
  TxMode tx = TxMode::standard;
};

// A member function of a handler class as a route's handler.
template <class T>
Handler handler(T *self, Reply (T::*fn)(Call &)) {
  return [self, fn](Call &c) { return (self->*fn)(c); };
}

// A pattern with one id: prefix + "{}" + suffix ("/v1/tickets/" + "{}" + "/messages").
std::string id_pattern(const char *prefix, const char *suffix = "");

class Router {
 public:
  void add(Route r);
  // The first route for this method and path (HEAD matches GET) and its path parameters; null if none. With
  // `allow`, lists the methods of the routes that match the path but not the method (a 405's Allow header).
  const Route *match(const std::string &method, const std::string &path, std::vector<std::string> &params,
                     std::string *allow) const;
  const std::vector<Route> &routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // of each route's pattern
};

}  // namespace helpline::server
