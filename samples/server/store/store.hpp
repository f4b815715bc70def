// Storage interface: one repository per aggregate, one method per use case, so handlers never see SQL and a
// new backend (PostgreSQL is planned) can be written and tested one repository at a time. All "*_json"
// members hold JSON text the server produced (or empty = none).
#pragma once
#include "store/agent_repo.hpp"
#include "store/attachment_repo.hpp"
#include "store/diagnostics_repo.hpp"
#include "store/event_repo.hpp"
#include "store/faq_repo.hpp"
#include "store/idempotency_repo.hpp"
#include "store/identity_repo.hpp"
#include "store/metrics_repo.hpp"
#include "store/notice_repo.hpp"
#include "store/privacy_repo.hpp"
#include "store/rule_repo.hpp"
#include "store/survey_repo.hpp"
#include "store/ticket_repo.hpp"

#include <memory>

namespace helpline::server {

// One unit of work. Write transactions are serialised; read transactions see a consistent snapshot.
// Destroying an uncommitted transaction rolls it back. The repositories it hands out work inside it and live
// as long as it does.
class StoreTx {
 public:
  virtual ~StoreTx() = default;
  virtual void commit() = 0;
  // One level of nesting (a batch item, a rule firing): undo a part without losing the transaction.
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_savepoint() = 0;

  virtual IdempotencyRepo &idempotency() = 0;
  virtual IdentityRepo &identity() = 0;
  virtual TicketRepo &tickets() = 0;
  virtual AttachmentRepo &attachments() = 0;
  virtual SurveyRepo &surveys() = 0;
  virtual MetricsRepo &metrics() = 0;
  virtual FaqRepo &faq() = 0;
  virtual NoticeRepo &notices() = 0;
  virtual EventRepo &events() = 0;
  virtual DiagnosticsRepo &diagnostics() = 0;
  virtual RuleRepo &rules() = 0;
  virtual PrivacyRepo &privacy() = 0;
  virtual AgentRepo &agents() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<StoreTx> write() = 0;
  virtual std::unique_ptr<StoreTx> read() = 0;
};

}  // namespace helpline::server
