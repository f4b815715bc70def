// The caller's principal (GET /v1/me) and its attributes (PATCH /v1/me/attributes), and the merge of a
// device's attributes into the user's on identify.
#include "api/me.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <map>

namespace helpline::server {

namespace {

constexpr size_t kMaxAttributeKeyBytes = wire::limit::kAttributeKeyBytes;
constexpr size_t kMaxAttributeValueBytes = wire::limit::kAttributeValueBytes;
constexpr size_t kMaxPrincipalAttributes = 64;

bool valid_attribute_key(const std::string &k) {
  if (k.empty() || k.size() > kMaxAttributeKeyBytes) return false;
  for (unsigned char ch : k)
    if (ch < 0x20 || ch == 0x7f) return false;
  return true;
}

std::string me_json(const Principal &p, const std::vector<AttributeRecord> &attrs) {
  bool user = p.owner.rfind("user:", 0) == 0;
  JsonOut j;
  j.begin_object()
      .key("principal")
      .begin_object()
      .field("type", user ? "user" : "device")
      .field("id", p.owner.substr(p.owner.find(':') + 1))
      .end_object();
  j.key("attributes");
  render_attributes(j, attrs);
  j.end_object();
  return j.take();
}

}  // namespace

void MeHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  r.add(
      {"GET", wire::path::kMe, handler(this, &MeHandlers::me_get), K::device, B::none, false, false, false});
  r.add({"PATCH", wire::path::kMeAttributes, handler(this, &MeHandlers::me_attributes_patch), K::device,
         B::json, true, true, true});
}

Reply MeHandlers::me_get(Call &c) {
  return json(200, me_json(*c.device, c.tx->identity().attributes(c.app->app_key, c.device->owner)));
}

Reply MeHandlers::me_attributes_patch(Call &c) {
  const std::string &app = c.app->app_key;
  const std::string &owner = c.device->owner;
  // Validate everything first, then apply: the result is the stored set after the patch.
  std::map<std::string, std::optional<std::string>> changes;  // key -> JSON value (nullopt = remove)
  for (const auto &m : c.body->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (!valid_attribute_key(key))
      throw bad_request("attributes: keys must be 1.." + std::to_string(kMaxAttributeKeyBytes) +
                        " bytes without control characters");
    if (m.value.IsNull()) {
      changes[key] = std::nullopt;
      continue;
    }
    std::string v = to_json(m.value);
    if (v.size() > kMaxAttributeValueBytes)
      throw bad_request(key + ": value at most " + std::to_string(kMaxAttributeValueBytes) +
                        " bytes serialised");
    changes[key] = std::move(v);
  }
  std::map<std::string, std::string> stored;
  for (auto &a : c.tx->identity().attributes(app, owner)) stored[a.key] = std::move(a.value_json);
  for (const auto &ch : changes) {
    if (ch.second)
      stored[ch.first] = *ch.second;
    else
      stored.erase(ch.first);
  }
  if (stored.size() > kMaxPrincipalAttributes)
    throw bad_request("attributes: at most " + std::to_string(kMaxPrincipalAttributes) +
                      " keys per user or device (this change would store " + std::to_string(stored.size()) +
                      ")");
  int64_t now = now_ms();
  for (const auto &ch : changes) {
    if (ch.second)
      c.tx->identity().set_attribute(app, owner, AttributeRecord{ch.first, *ch.second}, now);
    else
      c.tx->identity().delete_attribute(app, owner, ch.first);
  }
  std::vector<AttributeRecord> out;
  for (auto &s : stored) out.push_back(AttributeRecord{s.first, std::move(s.second)});
  JsonOut j;
  j.begin_object().key("attributes");
  render_attributes(j, out);
  j.end_object();
  return json(200, j.take());
}

void merge_attributes(Call &c, const std::string &from, const std::string &to) {
  if (from == to) return;
  const std::string &app = c.app->app_key;
  auto moving = c.tx->identity().attributes(app, from);
  if (moving.empty()) return;
  std::map<std::string, std::string> have;
  for (auto &a : c.tx->identity().attributes(app, to)) have[a.key] = std::move(a.value_json);
  int64_t now = now_ms();
  for (const auto &a : moving) {
    // Keys the user already has win; keys over the cap are dropped (in key order).
    if (have.count(a.key) || have.size() >= kMaxPrincipalAttributes) continue;
    c.tx->identity().set_attribute(app, to, a, now);
    have[a.key] = a.value_json;
  }
  c.tx->identity().delete_attributes(app, from);
}

}  // namespace helpline::server
