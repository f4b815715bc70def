// Helpers shared by the SQLite store's files: row readers (the column list a query selects and the record it
// fills) and the JSON-array binding of lists.
#pragma once
#include <string>
#include <vector>

#include "json_out.hpp"
#include "store/sqlite_db.hpp"
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
#define DIAGNOSTIC_COLS                                                                         \
  "d.seq, dd.device_id, d.idem_key, d.kind, d.name, d.ts, d.level, d.message, d.value, d.attributes, " \
  "d.ticket_id, d.request_id, d.received_at"

// A row selected with DIAGNOSTIC_COLS.
inline DiagnosticRecord diagnostic_row(Query &q) {
  DiagnosticRecord d;
  d.seq = q.i64(0);
  d.device_id = q.text(1);
  d.idempotency_key = q.text(2);
  d.kind = q.text(3);
  d.name = q.text(4);
  d.ts = q.i64(5);
  d.level = q.opt_text(6);
  d.message = q.opt_text(7);
  d.value = q.opt_dbl(8);
  d.attributes_json = q.text(9);
  d.ticket_id = q.opt_text(10);
  d.request_id = q.opt_text(11);
  d.received_at = q.i64(12);
  return d;
}

// Lists are bound as one JSON array (read with json_each) so every statement stays static and cached.
inline std::string json_array(const std::vector<std::string> &v) {
  JsonOut j;
  j.arr();
  for (const auto &s : v) j.str(s);
  j.end_arr();
  return j.take();
}

}  // namespace helpline::server
