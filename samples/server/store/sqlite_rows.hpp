// Row readers shared by the SQLite store's files: the column list a query selects and the record it fills.
#pragma once
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

}  // namespace helpline::server
