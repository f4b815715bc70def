// Helpers shared by the SQLite store's files: row readers (the column list a query selects and the record it
// fills) and the JSON-array binding of lists.
#pragma once
#include <string>
#include <vector>

#include "json_fields.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

namespace helpline::server {

#define TICKET_COLS                                                                               \
  "seq, id, owner, device_id, subject, status, fields, device, requester_name, requester_email, " \
  "assignee_id, message_count, created_at, updated_at, proactive_rule"

// A row selected with TICKET_COLS.
inline TicketRecord ticket_row(Query &q) {
  TicketRecord t;
  t.seq = q.i64(0);
  t.id = q.text(1);
  t.owner = q.text(2);
  t.device_id = q.text(3);
  t.subject = q.text(4);
  t.status = q.text(5);
  t.fields_json = q.text(6);
  t.device_json = q.text(7);
  t.requester_name = q.opt_text(8);
  t.requester_email = q.opt_text(9);
  t.assignee_id = q.opt_text(10);
  t.message_count = q.i64(11);
  t.created_at = q.i64(12);
  t.updated_at = q.i64(13);
  t.proactive_rule = q.opt_text(14);
  return t;
}

// Columns of `diagnostics d JOIN diag_devices dd ON dd.id=d.dev`.
#define DIAGNOSTIC_COLS                                                                                \
  "d.seq, dd.device_id, d.idem_key, d.kind, d.name, d.ts, d.level, d.message, d.value, d.attributes, " \
  "d.ticket_id, d.request_id, d.received_at"

// A row selected with DIAGNOSTIC_COLS; with `device_id`, a row of one device's diagnostics, selected with the
// same columns but without dd.device_id.
inline DiagnosticRecord diagnostic_row(Query &q, const std::string *device_id = nullptr) {
  DiagnosticRecord d;
  int c = 0;
  d.seq = q.i64(c++);
  d.device_id = device_id ? *device_id : q.text(c++);
  d.idempotency_key = q.text(c++);
  d.kind = q.text(c++);
  d.name = q.text(c++);
  d.ts = q.i64(c++);
  d.level = q.opt_text(c++);
  d.message = q.opt_text(c++);
  d.value = q.opt_dbl(c++);
  d.attributes_json = q.text(c++);
  d.ticket_id = q.opt_text(c++);
  d.request_id = q.opt_text(c++);
  d.received_at = q.i64(c);
  return d;
}

#define MESSAGE_COLS \
  "id, ticket_id, seq, author_type, author_name, author_id, author_device, body, attachments, created_at"

// A row selected with MESSAGE_COLS.
inline MessageRecord message_row(Query &q) {
  MessageRecord m;
  m.id = q.text(0);
  m.ticket_id = q.text(1);
  m.seq = q.i64(2);
  m.author_type = q.text(3);
  m.author_name = q.opt_text(4);
  m.author_id = q.opt_text(5);
  m.author_device = q.opt_text(6);
  m.body = q.text(7);
  m.attachments_json = q.text(8);
  m.created_at = q.i64(9);
  return m;
}

// Lists are bound as one JSON array (read with json_each) so every statement stays static and cached.
inline std::string json_array(const std::vector<std::string> &v) {
  JsonOut j;
  j.begin_array();
  for (const auto &s : v) j.str(s);
  j.end_array();
  return j.take();
}

}  // namespace helpline::server
