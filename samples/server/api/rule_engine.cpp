#include "api/rule_engine.hpp"

#include "api/call.hpp"
#include "api/render.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "notice_targeting.hpp"
#include "rules/diagnostic_values.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>

namespace helpline::server {

namespace {

constexpr size_t kMaxWindows = 200000;  // bounds memory; clearing only loses partial counts

std::string window_key(const std::string &app, const std::string &rule, const std::string &device) {
  return app + "\n" + rule + "\n" + device;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// {device_id}, {rule}, {value}, {name}, {model}, {firmware_version}, {app_version} in subjects and bodies.
std::string fill(std::string text, const ServerRule &r, const DiagnosticRecord &d,
                 const std::optional<double> &value, const std::string &attrs_json) {
  rapidjson::Document dev;
  if (!attrs_json.empty()) dev.Parse(attrs_json.data(), attrs_json.size());
  auto attr = [&](const char *k) -> std::string {
    if (attrs_json.empty() || dev.HasParseError() || !dev.IsObject()) return "";
    auto it = dev.FindMember(k);
    return it != dev.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  const std::pair<const char *, std::string> vars[] = {
      {"{device_id}", d.device_id},
      {"{rule}", r.name},
      {"{value}", value ? format_number(*value) : std::string()},
      {"{name}", d.name},
      {"{model}", attr("model")},
      {"{firmware_version}", attr("firmware_version")},
      {"{app_version}", attr("app_version")}};
  for (const auto &[k, v] : vars) {
    size_t pos = 0;
    std::string key = k;
    while ((pos = text.find(key, pos)) != std::string::npos) {
      text.replace(pos, key.size(), v);
      pos += v.size();
    }
  }
  return text;
}

// The notice target of a firing: the rule's explicit one, else the listed keys copied from the device.
std::string notice_target(const ServerRule &r, const std::string &attrs_json) {
  if (!r.action.target_json.empty()) return r.action.target_json;
  rapidjson::Document dev;
  if (!attrs_json.empty()) dev.Parse(attrs_json.data(), attrs_json.size());
  if (attrs_json.empty() || dev.HasParseError() || !dev.IsObject()) return "";
  JsonOut j;
  j.begin_object();
  for (const auto &key : r.action.target_from_device) {
    const rapidjson::Value *v = nullptr;
    auto it = dev.FindMember(key.c_str());
    if (it != dev.MemberEnd() && it->value.IsString()) {
      v = &it->value;
    } else {
      auto a = dev.FindMember("attributes");
      if (a != dev.MemberEnd() && a->value.IsObject()) {
        auto x = a->value.FindMember(key.c_str());
        if (x != a->value.MemberEnd() && x->value.IsString()) v = &x->value;
      }
    }
    if (!v) return "";  // the device lacks a key: never widen the audience by dropping a condition
    j.field(key.c_str(), std::string(v->GetString(), v->GetStringLength()));
  }
  j.end_object();
  return j.take();
}

}  // namespace

const std::vector<std::shared_ptr<ServerRule>> &RuleEngine::rules_for(StoreTx &tx, const std::string &app) {
  auto rows = tx.rules().list(app);
  std::string key;
  for (const auto &r : rows)
    key += r.id + ":" + (r.enabled ? "1" : "0") + ":" + std::to_string(r.updated_at) + ";";
  Cached &c = cache_[app];
  if (c.key == key && (!rows.empty() || c.rules.empty())) return c.rules;
  c.key = key;
  c.rules.clear();
  for (const auto &row : rows) {
    if (!row.enabled) continue;
    rapidjson::Document d;
    d.Parse(row.definition_json.data(), row.definition_json.size());
    try {
      auto rule = std::make_shared<ServerRule>(parse_server_rule(d));
      rule->id = row.id;
      c.rules.push_back(std::move(rule));
    } catch (const std::exception &e) {
      std::fprintf(stderr, "helpline-server: stored rule %s is invalid, skipped: %s\n", row.id.c_str(),
                   e.what());
    }
  }
  return c.rules;
}

void RuleEngine::forget(const std::string &app, const std::string &rule_id) {
  std::lock_guard<std::mutex> g(windows_mutex_);
  std::string prefix = app + "\n" + rule_id + "\n";
  for (auto it = windows_.lower_bound(prefix); it != windows_.end() && it->first.rfind(prefix, 0) == 0;)
    it = windows_.erase(it);
}

// Counts one match; true when the rule fires now (count reached within the window, not cooling down).
bool RuleEngine::counts(const ServerRule &r, const std::string &app, const std::string &device, int64_t ts,
                        int64_t now) {
  std::lock_guard<std::mutex> g(windows_mutex_);
  if (windows_.size() > kMaxWindows) windows_.clear();
  Window &w = windows_[window_key(app, r.id, device)];
  if (w.last_fired >= 0 && r.cooldown_ms > 0 && now - w.last_fired < r.cooldown_ms) return false;
  w.hits.push_back(ts);
  w.hits.erase(std::remove_if(w.hits.begin(), w.hits.end(), [&](int64_t h) { return h <= ts - r.window_ms; }),
               w.hits.end());
  while (static_cast<int64_t>(w.hits.size()) > r.count) w.hits.pop_front();
  if (static_cast<int64_t>(w.hits.size()) < r.count) return false;
  w.hits.clear();
  w.last_fired = now;
  return true;
}

void RuleEngine::committed(const std::vector<CommittedDiagnostics> &groups) {
  std::vector<Firing> firings;
  std::vector<std::shared_ptr<ServerRule>> keep;  // rules referenced by firings stay alive
  {
    auto tx = store_.read();
    std::string last_app;
    const std::vector<std::shared_ptr<ServerRule>> *rules = nullptr;
    int64_t now = now_ms();
    for (const auto &g : groups) {
      if (!rules || g.app != last_app) {
        rules = &rules_for(*tx, g.app);
        last_app = g.app;
      }
      if (rules->empty()) continue;
      std::optional<std::string> attrs;  // the device's PUT /v1/device document, read once per group
      std::map<const ServerRule *, bool> targeted;
      for (const auto &item : g.items) {
        ParsedAttributes parsed(item.attributes_json);
        for (const auto &rule : *rules) {
          std::optional<double> value;
          if (!rule_matches_item(*rule, item, parsed.get(), value)) continue;
          if (!rule->target_json.empty()) {
            auto t = targeted.find(rule.get());
            if (t == targeted.end()) {
              if (!attrs) {
                auto d = tx->identity().find_device(g.app, g.device_id);
                attrs = d ? d->attrs_json : std::string();
              }
              t = targeted.emplace(rule.get(), target_matches(rule->target_json, *attrs)).first;
            }
            if (!t->second) continue;
          }
          if (!counts(*rule, g.app, g.device_id, item.ts, now)) continue;
          if (!attrs) {
            auto d = tx->identity().find_device(g.app, g.device_id);
            attrs = d ? d->attrs_json : std::string();
          }
          keep.push_back(rule);
          firings.push_back(Firing{rule.get(), &g, &item, value, *attrs});
        }
      }
    }
  }
  if (firings.empty()) return;
  std::map<std::string, std::pair<int64_t, std::vector<WakeTarget>>> notify;  // by app
  {
    auto tx = store_.write();
    int64_t now = now_ms();
    for (const auto &f : firings) {
      auto &n = notify[f.group->app];
      tx->savepoint();
      try {
        fire(*tx, f, now, n.second, n.first);
        tx->release_savepoint();
      } catch (const std::exception &e) {
        tx->rollback_savepoint();
        std::fprintf(stderr, "helpline-server: rule %s failed for device %s: %s\n", f.rule->id.c_str(),
                     f.group->device_id.c_str(), e.what());
      }
    }
    tx->commit();
  }
  for (const auto &[app, n] : notify)
    if (n.first > 0) notifier_.notify(app, n.first, n.second);
}

void RuleEngine::fire(StoreTx &tx, const Firing &f, int64_t now, std::vector<WakeTarget> &wake,
                      int64_t &max_seq) {
  const ServerRule &r = *f.rule;
  const std::string &app = f.group->app;
  auto emit = [&](EventRecord e) {
    e.created_at = now;
    int64_t seq = tx.events().insert(app, e);
    max_seq = std::max(max_seq, seq);
    wake.push_back(WakeTarget{e.owner.value_or(std::string()), e.device_id.value_or(std::string()),
                              e.broadcast, e.origin_device.value_or(std::string())});
  };
  RuleFiringRecord rec;
  rec.rule_id = r.id;
  rec.device_id = f.group->device_id;
  rec.diagnostic_seq = f.item->seq;
  rec.value = f.value;
  rec.at = now;
  if (r.action.type == "ticket") {
    if (auto open = tx.tickets().open_proactive(app, r.id, f.group->device_id)) {
      rec.action = "deduplicated";
      rec.ticket_id = open->id;
    } else {
      TicketRecord t;
      t.id = new_id("t_");
      t.owner = f.group->owner;
      t.device_id = f.group->device_id;
      t.subject = fill(r.action.subject, r, *f.item, f.value, f.device_attrs).substr(0, 800);
      t.status = "open";
      t.fields_json = "{}";
      t.device_json = f.device_attrs;
      t.proactive_rule = r.id;
      t.created_at = t.updated_at = now;
      t.message_count = 1;
      tx.tickets().insert(app, t);
      MessageRecord m;
      m.id = new_id("m_");
      m.ticket_id = t.id;
      m.seq = 1;
      m.author_type = "system";
      m.author_name = std::string("Helpline rules");
      m.body = fill(r.action.body, r, *f.item, f.value, f.device_attrs);
      m.attachments_json = "[]";
      m.created_at = now;
      tx.tickets().insert_message(app, m);
      EventRecord e;
      e.owner = t.owner;
      e.device_id = owner_device(t.owner);
      e.type = wire::sync_type::kTicket;
      e.data_json = ticket_json(t);
      emit(std::move(e));
      rec.action = "ticket";
      rec.ticket_id = t.id;
    }
  } else {
    std::string target = notice_target(r, f.device_attrs);
    if (target.empty()) {
      rec.action = "skipped";  // the device lacks an attribute the notice target is built from
    } else {
      std::string id = "nr_" + sha256_hex(r.id + "\n" + target).substr(0, 24);
      auto existing = tx.notices().find(app, id);
      bool live = existing && existing->active && !existing->deleted &&
                  (!existing->ends_at || *existing->ends_at > now);
      rec.notice_id = id;
      if (live) {
        rec.action = "deduplicated";
      } else {
        NoticeRecord n;
        n.id = id;
        n.title = fill(r.action.title, r, *f.item, f.value, f.device_attrs);
        n.body = fill(r.action.body, r, *f.item, f.value, f.device_attrs);
        n.severity = r.action.severity;
        n.url = r.action.url;
        n.faq_article_id = r.action.faq_article_id;
        n.target_json = target;
        n.starts_at = now;
        if (r.action.duration_ms) n.ends_at = now + *r.action.duration_ms;
        n.active = true;
        n.created_at = existing ? existing->created_at : now;
        n.updated_at = now;
        tx.notices().upsert(app, n);
        EventRecord e;
        e.broadcast = true;
        e.type = wire::sync_type::kNotice;
        JsonOut j;
        render_notice(j, n, false);
        e.data_json = j.take();
        e.target_json = n.target_json;
        emit(std::move(e));
        rec.action = "notice";
      }
    }
  }
  tx.rules().insert_firing(app, rec);
}

}  // namespace helpline::server
