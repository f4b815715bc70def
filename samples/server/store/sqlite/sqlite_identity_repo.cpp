// SQLite side of IdentityRepo (store/identity_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

void SqliteIdentityRepo::upsert_device(const std::string &app, const DeviceRecord &d) {
  Query q(db_,
          "INSERT INTO devices(app, device_id, user_sub, attrs, updated_at) VALUES(?1,?2,?3,?4,?5) "
          "ON CONFLICT(app, device_id) DO UPDATE SET user_sub=COALESCE(excluded.user_sub, user_sub), "
          "attrs=excluded.attrs, updated_at=excluded.updated_at");
  q.bind(1, app).bind(2, d.device_id).bind(3, d.user_sub).bind(4, d.attrs_json).bind(5, d.updated_at).run();
  // The device is listed for agents from now on (its key in the registry of devices agents can see).
  Query r(db_, "INSERT OR IGNORE INTO diag_devices(app, device_id) VALUES(?1,?2)");
  r.bind(1, app).bind(2, d.device_id).run();
}

std::optional<DeviceRecord> SqliteIdentityRepo::find_device(const std::string &app,
                                                            const std::string &device_id) {
  Query q(db_, "SELECT user_sub, attrs, updated_at FROM devices WHERE app=?1 AND device_id=?2");
  q.bind(1, app).bind(2, device_id);
  if (!q.step()) return std::nullopt;
  return DeviceRecord{device_id, q.opt_text(0), q.text(1), q.i64(2)};
}

std::vector<DeviceRecord> SqliteIdentityRepo::list_devices(const std::string &app) {
  Query q(db_, "SELECT device_id, user_sub, attrs, updated_at FROM devices WHERE app=?1 ORDER BY device_id");
  q.bind(1, app);
  std::vector<DeviceRecord> out;
  while (q.step()) out.push_back(DeviceRecord{q.text(0), q.opt_text(1), q.text(2), q.i64(3)});
  return out;
}

DeviceStanding SqliteIdentityRepo::device_standing(const std::string &app, const std::string &device_id,
                                                   const std::string &pseudonym) {
  Query q(db_,
          "SELECT (SELECT secret_hash FROM device_credentials WHERE app=?1 AND device_id=?2), "
          "EXISTS(SELECT 1 FROM retired_devices WHERE app=?1 AND pseudonym=?3)");
  q.bind(1, app).bind(2, device_id).bind(3, pseudonym);
  DeviceStanding s;
  if (q.step()) {
    s.secret_hash = q.opt_text(0);
    s.retired = q.i64(1) != 0;
  }
  return s;
}

std::string SqliteIdentityRepo::claim_device(const std::string &app, const std::string &device_id,
                                             const std::string &secret_hash, int64_t now) {
  Query q(db_,
          "INSERT INTO device_credentials(app, device_id, secret_hash, created_at) VALUES(?1,?2,?3,?4) "
          "ON CONFLICT(app, device_id) DO NOTHING");
  q.bind(1, app).bind(2, device_id).bind(3, secret_hash).bind(4, now).run();
  Query held(db_, "SELECT secret_hash FROM device_credentials WHERE app=?1 AND device_id=?2");
  held.bind(1, app).bind(2, device_id);
  return held.step() ? held.text(0) : std::string();
}

void SqliteIdentityRepo::retire_device(const std::string &app, const std::string &device_id,
                                       const std::string &pseudonym, int64_t now) {
  Query d(db_, "DELETE FROM device_credentials WHERE app=?1 AND device_id=?2");
  d.bind(1, app).bind(2, device_id).run();
  Query t(db_, "INSERT OR IGNORE INTO retired_devices(app, pseudonym, retired_at) VALUES(?1,?2,?3)");
  t.bind(1, app).bind(2, pseudonym).bind(3, now).run();
}

void SqliteIdentityRepo::upsert_push_token(const std::string &app, const std::string &device_id,
                                           const PushTokenRecord &p) {
  Query q(db_,
          "INSERT INTO push_tokens(app, device_id, platform, token, updated_at) VALUES(?1,?2,?3,?4,?5) "
          "ON CONFLICT(app, device_id) DO UPDATE SET platform=excluded.platform, token=excluded.token, "
          "updated_at=excluded.updated_at");
  q.bind(1, app).bind(2, device_id).bind(3, p.platform).bind(4, p.token).bind(5, p.updated_at).run();
}

void SqliteIdentityRepo::delete_push_token(const std::string &app, const std::string &device_id) {
  Query q(db_, "DELETE FROM push_tokens WHERE app=?1 AND device_id=?2");
  q.bind(1, app).bind(2, device_id).run();
}

std::optional<PushTokenRecord> SqliteIdentityRepo::find_push_token(const std::string &app,
                                                                   const std::string &device_id) {
  Query q(db_, "SELECT platform, token, updated_at FROM push_tokens WHERE app=?1 AND device_id=?2");
  q.bind(1, app).bind(2, device_id);
  if (!q.step()) return std::nullopt;
  return PushTokenRecord{q.text(0), q.text(1), q.i64(2)};
}

std::vector<AttributeRecord> SqliteIdentityRepo::attributes(const std::string &app,
                                                            const std::string &principal) {
  Query q(db_, "SELECT key, value FROM principal_attributes WHERE app=?1 AND principal=?2 ORDER BY key");
  q.bind(1, app).bind(2, principal);
  std::vector<AttributeRecord> out;
  while (q.step()) out.push_back(AttributeRecord{q.text(0), q.text(1)});
  return out;
}

void SqliteIdentityRepo::set_attribute(const std::string &app, const std::string &principal,
                                       const AttributeRecord &a, int64_t now) {
  Query q(db_,
          "INSERT INTO principal_attributes(app, principal, key, value, updated_at) VALUES(?1,?2,?3,?4,?5) "
          "ON CONFLICT(app, principal, key) DO UPDATE SET value=excluded.value, "
          "updated_at=excluded.updated_at");
  q.bind(1, app).bind(2, principal).bind(3, a.key).bind(4, a.value_json).bind(5, now).run();
}

void SqliteIdentityRepo::delete_attribute(const std::string &app, const std::string &principal,
                                          const std::string &key) {
  Query q(db_, "DELETE FROM principal_attributes WHERE app=?1 AND principal=?2 AND key=?3");
  q.bind(1, app).bind(2, principal).bind(3, key).run();
}

void SqliteIdentityRepo::delete_attributes(const std::string &app, const std::string &principal) {
  Query q(db_, "DELETE FROM principal_attributes WHERE app=?1 AND principal=?2");
  q.bind(1, app).bind(2, principal).run();
}

void SqliteIdentityRepo::move_owned(const std::string &app, const std::string &from_owner,
                                    const std::string &to_owner) {
  {
    Query q(db_, "UPDATE attachments SET owner=?3 WHERE app=?1 AND owner=?2");
    q.bind(1, app).bind(2, from_owner).bind(3, to_owner).run();
  }
  Query q(db_, "UPDATE surveys SET owner=?3 WHERE app=?1 AND owner=?2");
  q.bind(1, app).bind(2, from_owner).bind(3, to_owner).run();
}

}  // namespace helpline::server
