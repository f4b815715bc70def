// GET /v1/sync: everything new for this device since its cursor, with long-poll.
#include "api/sync.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "notice_targeting.hpp"

#include <set>

namespace helpline::server {

namespace {

std::string empty_page(int64_t cursor) {
  JsonOut j;
  j.begin_object()
      .field("cursor", cursor_string(cursor))
      .field("has_more", false)
      .key("items")
      .begin_array()
      .end_array()
      .end_object();
  return j.take();
}

}  // namespace

SyncHandlers::SyncHandlers(ApiContext &ctx) : ctx_(ctx) {}

void SyncHandlers::add_routes(Router &r) {
  // Opens its own read transaction (TxMode::own), and only when the notifier says there may be something new.
  r.add({"GET", wire::path::kSync, handler(this, &SyncHandlers::sync), RouteKind::device, BodyKind::none,
         false, false, false, TxMode::own});
}

Reply SyncHandlers::sync(Call &c) {
  int64_t cursor = cursor_param(c);
  int limit = limit_param(c, 500, 100);
  int wait = 0;
  if (const std::string *w = c.query_param("wait")) {
    char *end = nullptr;
    long v = std::strtol(w->c_str(), &end, 10);
    if (w->empty() || *end || v < 0) throw bad_request("wait: must be an integer >= 0");
    wait = static_cast<int>(std::min<long>(v, ctx_.config.long_poll_max_seconds));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
  HandleResult r = sync_round(c.app, *c.device, cursor, limit, deadline, wait == 0);
  if (r.wait) {
    c.wait = std::move(r.wait);
    return Reply{};
  }
  Reply out;
  out.status = r.response.status;
  out.body = std::move(r.response.body);
  return out;
}

HandleResult SyncHandlers::sync_round(const AppConfig *app, Principal p, int64_t cursor, int limit,
                                      std::chrono::steady_clock::time_point deadline, bool final) {
  HandleResult result;
  result.log_app = app->app_key;
  result.log_device = p.device_id;
  auto make_wait = [&](int64_t seen, int64_t next_cursor) {
    auto lp = std::make_shared<LongPoll>();
    lp->app_key = app->app_key;
    lp->owner = p.owner;
    lp->device_id = p.device_id;
    lp->seen_seq = seen;
    lp->deadline = deadline;
    lp->retry = [this, app, p, next_cursor, limit, deadline](bool last) {
      return sync_round(app, p, next_cursor, limit, deadline,
                        last || std::chrono::steady_clock::now() >= deadline);
    };
    result.wait = std::move(lp);
  };

  // Fast path: nothing was committed for this app after the cursor, so no query is needed.
  int64_t latest = ctx_.notifier.latest(app->app_key);
  if (cursor == latest) {
    if (!final)
      make_wait(latest, cursor);
    else
      result.response.body = empty_page(cursor);
    return result;
  }

  auto tx = ctx_.store.read();
  int64_t upto = tx->events().max_seq(app->app_key);
  if (cursor > upto) throw ApiError(400, "invalid_cursor", "cursor is ahead of this server's history");
  auto events = tx->events().since(app->app_key, p.owner, p.device_id, cursor, upto, limit + 1);
  bool more = static_cast<int>(events.size()) > limit;
  if (more) events.resize(static_cast<size_t>(limit));
  int64_t next = more ? events.back().seq : upto;

  // Collapse hints: only the newest faq_changed and rules, and the newest state per notice, in a page.
  int64_t last_faq = 0, last_rules = 0;
  std::set<std::string> seen_notice;
  std::vector<bool> keep(events.size(), true);
  std::optional<std::string> attrs;
  for (size_t i = events.size(); i-- > 0;) {
    auto &e = events[i];
    if (e.type == wire::sync_type::kFaqChanged) {
      if (last_faq)
        keep[i] = false;
      else
        last_faq = e.seq;
    } else if (e.type == wire::sync_type::kRules) {
      if (last_rules)
        keep[i] = false;
      else
        last_rules = e.seq;
    } else if (e.type == wire::sync_type::kNotice || e.type == wire::sync_type::kNoticeWithdrawn) {
      // data_json starts with {"id":"..."} (notice) or {"notice_id":"..."}; extract the id cheaply.
      size_t q1 = e.data_json.find(':');
      size_t a = e.data_json.find('"', q1) + 1, b = e.data_json.find('"', a);
      std::string id = e.data_json.substr(a, b - a);
      if (!seen_notice.insert(id).second)
        keep[i] = false;
      else if (e.type == wire::sync_type::kNotice) {
        if (!attrs) {
          auto d = tx->identity().find_device(app->app_key, p.device_id);
          attrs = d ? d->attrs_json : std::string();
        }
        if (!target_matches(e.target_json, *attrs)) keep[i] = false;
      }
    }
  }
  tx.reset();

  size_t kept = 0;
  for (bool k : keep) kept += k ? 1 : 0;
  if (kept == 0 && !more && !final) {
    make_wait(upto, next);
    return result;
  }
  JsonOut j;
  j.begin_object().field("cursor", cursor_string(next)).field("has_more", more).key("items").begin_array();
  for (size_t i = 0; i < events.size(); ++i) {
    if (!keep[i]) continue;
    const auto &e = events[i];
    j.begin_object()
        .field("seq", e.seq)
        .field("type", e.type)
        .field("created_at", e.created_at)
        .key("data")
        .raw_or_null(e.data_json)
        .end_object();
  }
  j.end_array().end_object();
  result.response.body = j.take();
  return result;
}

}  // namespace helpline::server
