#include "faq/faq_items.hpp"

#include <memory>

#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "base/utf8.hpp"
#include "items/batch_item.hpp"
#include "sync/request_builder.hpp"

namespace helpline::detail {

NewItem make_deflection_item(const std::vector<std::string> &article_ids, const std::string &query,
                             const std::string &ticket_id) {
  const std::string id = new_uuid_v7();
  JsonOut w;
  w.begin_object().field("id", id).key("article_ids").begin_array();
  for (const auto &a : article_ids) w.str(a);
  w.end_array().field("query", utf8_head(query, wire::limit::kDeflectionQueryBytes));
  if (!ticket_id.empty()) w.field("ticket_id", ticket_id);
  w.end_object();
  return make_batch_item(kDeflectionKind, id, "POST", wire::path::kDeflections, w.take());
}

NewItem make_faq_vote_item(const std::string &article_id, bool helpful) {
  JsonOut w;
  w.begin_object().field("helpful", helpful).end_object();
  return make_batch_item(
      kFaqVoteKind, new_uuid_v7(), "POST",
      wire::path::kFaqArticlesPrefix + percent_encode(article_id) + wire::path::kVoteSuffix, w.take(),
      std::make_shared<LocalChange>(change::FaqVote{article_id, helpful}));
}

}  // namespace helpline::detail
