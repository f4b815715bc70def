// Attachment upload (raw bytes) and download, for devices and agents.
#include "api/attachments.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "base/utf8.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace helpline::server {

std::string body_sha256_hex(const HttpRequest &req, const std::string &in_memory) {
  if (!req.body_file) return sha256_hex(in_memory);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 init failed");
  std::FILE *f = req.body_file.get();
  if (std::fseek(f, 0, SEEK_SET) != 0) throw std::runtime_error("cannot rewind the spooled body");
  std::unique_ptr<char[]> buf(new char[1 << 16]);
  uint64_t left = req.body_file_size;
  while (left > 0) {
    size_t want = left < (1u << 16) ? static_cast<size_t>(left) : (1u << 16);
    size_t got = std::fread(buf.get(), 1, want, f);
    if (got == 0) throw std::runtime_error("spooled body is shorter than received");
    EVP_DigestUpdate(ctx.get(), buf.get(), got);
    left -= got;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) throw std::runtime_error("SHA-256 final failed");
  return hex(std::string(reinterpret_cast<char *>(md), len));
}

namespace {

Reply upload(Call &c, const std::string &owner) {
  AttachmentRecord a;
  std::optional<std::string> id;
  if (const std::string *q = c.query_param("id")) {
    if (!is_valid_id(*q)) throw bad_request("id: must match [A-Za-z0-9_-]{1,64}");
    id = *q;
  }
  a.id = id ? *id : new_id("a_");
  a.owner = owner;
  std::string name = "attachment";
  if (const std::string *f = c.query_param("filename")) {
    if (!f->empty()) name = *f;
  }
  if (!detail::is_valid_utf8(name)) throw bad_request("filename: must be UTF-8");
  if (utf8_length(name) > 255) throw bad_request("filename: at most 255 characters");
  for (auto &ch : name)
    if (ch == '/' || ch == '\\' || ch == '"' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
  a.filename = name;
  const std::string *ct = c.http ? c.http->header("content-type") : nullptr;
  a.content_type = ct && !ct->empty() ? *ct : "application/octet-stream";
  if (a.content_type.size() > 255) throw bad_request("Content-Type: too long");
  if (!detail::is_valid_utf8(a.content_type)) throw bad_request("Content-Type: must be UTF-8");
  if (c.http && c.http->body_file) {
    // Spooled to disk by the transport: the store copies it in chunks, never whole in memory.
    a.data_file = c.http->body_file.get();
    a.size = static_cast<int64_t>(c.http->body_file_size);
  } else {
    a.data = *c.raw_body;
    a.size = static_cast<int64_t>(a.data.size());
  }
  a.sha256 = a.data_file ? body_sha256_hex(*c.http, a.data) : sha256_hex(a.data);
  a.created_at = now_ms();
  if (id) {
    // Someone else's id is not even confirmed to exist (it would leak other users' ids).
    if (auto existing = c.tx->attachments().find(c.app->app_key, *id, false)) {
      if (existing->owner != owner) throw not_found("attachment");
      throw ApiError(409, "conflict", "an attachment with this id already exists");
    }
  }
  c.tx->attachments().insert(c.app->app_key, a);
  JsonOut j;
  render_attachment(j, a);
  return json(201, j.take());
}

Reply download(const AttachmentRecord &a) {
  Reply r;
  r.status = 200;
  r.content_type = a.content_type;
  r.body = a.data;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + a.filename + "\"");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void AttachmentHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  r.add({"POST", wire::path::kAttachments, handler(this, &AttachmentHandlers::attachment_upload), K::device,
         B::raw, true, true, false});
  r.add({"GET", id_pattern(wire::path::kAttachmentsPrefix),
         handler(this, &AttachmentHandlers::attachment_get), K::device, B::none, false, false, false});
  r.add({"POST", "/v1/agent/attachments", handler(this, &AttachmentHandlers::agent_attachment_upload),
         K::agent, B::raw, true, true, false});
  r.add({"GET", "/v1/agent/attachments/{}", handler(this, &AttachmentHandlers::agent_attachment_get),
         K::agent, B::none, false, false, false});
}

Reply AttachmentHandlers::attachment_upload(Call &c) {
  return upload(c, c.device->owner);
}

Reply AttachmentHandlers::attachment_get(Call &c) {
  auto a = c.tx->attachments().find(c.app->app_key, c.params[0], true);
  if (!a) throw not_found("attachment");
  bool allowed = a->owner == c.device->owner;
  if (!allowed && a->ticket_id) {
    auto t = c.tx->tickets().find(c.app->app_key, *a->ticket_id);
    allowed = t && t->owner == c.device->owner;
  }
  if (!allowed) throw not_found("attachment");
  return download(*a);
}

Reply AttachmentHandlers::agent_attachment_upload(Call &c) {
  return upload(c, "agent:" + c.agent->agent.id);
}

Reply AttachmentHandlers::agent_attachment_get(Call &c) {
  auto a = c.tx->attachments().find(c.app->app_key, c.params[0], true);
  if (!a) throw not_found("attachment");
  return download(*a);
}

}  // namespace helpline::server
