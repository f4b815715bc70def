// Who a request is from: devices (their PUT /v1/device document and user link), push tokens, and principal
// attributes ("device:<id>" | "user:<sub>").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct DeviceRecord {
  std::string device_id;
  std::optional<std::string> user_sub;
  std::string attrs_json;
  int64_t updated_at = 0;
};

// What the server knows of a device id before it acts on a request from it.
struct DeviceStanding {
  std::optional<std::string> secret_hash;  // SHA-256 hex of its secret, once one was presented
  bool retired = false;                    // an erasure retired it: nothing is accepted under it any more
};

struct PushTokenRecord {
  std::string platform;
  std::string token;
  int64_t updated_at = 0;
};

// One attribute of a principal ("device:<id>" | "user:<sub>"): key and its JSON value as text.
struct AttributeRecord {
  std::string key;
  std::string value_json;
};

class IdentityRepo {
 public:
  virtual ~IdentityRepo() = default;

  // devices
  virtual void upsert_device(const std::string &app, const DeviceRecord &d) = 0;
  virtual std::optional<DeviceRecord> find_device(const std::string &app, const std::string &device_id) = 0;
  // Every device that has sent PUT /v1/device (segment targeting of scheduled survey prompts).
  virtual std::vector<DeviceRecord> list_devices(const std::string &app) = 0;

  // device credentials and tombstones (`pseudonym`: the retired id's pseudonym, see device_pseudonym())
  virtual DeviceStanding device_standing(const std::string &app, const std::string &device_id,
                                         const std::string &pseudonym) = 0;
  // Records `secret_hash` for an unclaimed device id; returns the hash on record afterwards (the
  // first claim wins).
  virtual std::string claim_device(const std::string &app, const std::string &device_id,
                                   const std::string &secret_hash, int64_t now) = 0;
  // Forgets the device's credential and keeps its tombstone.
  virtual void retire_device(const std::string &app, const std::string &device_id,
                             const std::string &pseudonym, int64_t now) = 0;

  // push tokens: one per device, replaced by each PUT
  virtual void upsert_push_token(const std::string &app, const std::string &device_id,
                                 const PushTokenRecord &p) = 0;
  virtual void delete_push_token(const std::string &app, const std::string &device_id) = 0;
  virtual std::optional<PushTokenRecord> find_push_token(const std::string &app,
                                                         const std::string &device_id) = 0;

  // principal attributes (sorted by key)
  virtual std::vector<AttributeRecord> attributes(const std::string &app, const std::string &principal) = 0;
  virtual void set_attribute(const std::string &app, const std::string &principal, const AttributeRecord &a,
                             int64_t now) = 0;
  virtual void delete_attribute(const std::string &app, const std::string &principal,
                                const std::string &key) = 0;
  virtual void delete_attributes(const std::string &app, const std::string &principal) = 0;

  // identify: what else the device owned (attachments, surveys) moves to the user
  virtual void move_owned(const std::string &app, const std::string &from_owner,
                          const std::string &to_owner) = 0;
};

}  // namespace helpline::server
