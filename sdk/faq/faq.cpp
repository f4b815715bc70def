#include "faq/faq.hpp"

#include <vector>

#include "base/error.hpp"
#include "faq/faq_items.hpp"

namespace helpline::detail {

Faq::Faq(sqlite3 *db, ReadConnection &read, Instance &instance, const Logger &logger,
         const std::function<std::unique_ptr<FaqSync>(FaqCatalog &)> &make_sync)
    : read_(read),
      instance_(instance),
      logger_(logger),
      catalog_(db),
      sync_(make_sync(catalog_)),
      deflection_(instance) {
  read_.on_close([this] { search_.reset(); });
}

template <class Fn>
auto Faq::with_search(Fn &&fn) {
  return read_.with([&](sqlite3 *db, const Overlay &overlay) {
    if (!search_) search_ = std::make_unique<FaqSearch>(db);
    return fn(*search_, overlay);
  });
}

std::string Faq::search(std::string_view query, std::string_view locale, int limit) {
  return with_search([&](FaqSearch &s, const Overlay &) { return s.search_json(query, locale, limit); });
}

std::string Faq::sections(std::string_view locale) {
  return with_search([&](FaqSearch &s, const Overlay &) { return s.sections_json(locale); });
}

std::string Faq::article(std::string_view id) {
  return with_search([&](FaqSearch &s, const Overlay &o) {
    // A vote accepted a moment ago is not in the store yet: read your own writes, as the ticket view does.
    std::optional<bool> pending;
    for (const auto &c : o) {
      const auto *v = as<change::FaqVote>(*c);
      if (v != nullptr && v->article_id == id) pending = v->helpful;
    }
    return s.article_json(id, pending);
  });
}

void Faq::vote(const std::string &id, bool helpful) {
  article(id);  // throws HELPLINE_E_NOT_FOUND for an article the catalog does not hold
  instance_.enqueue(make_faq_vote_item(id, helpful));
}

std::string Faq::suggest(std::string_view subject, std::string_view body) {
  std::string json =
      with_search([&](FaqSearch &s, const Overlay &) { return s.suggest_for_ticket_json(subject, body, 5); });
  deflection_.suggested(json, subject, body);
  return json;
}

void Faq::register_items(ItemRegistry &registry) {
  registry.add_kind(kDeflectionKind);
  registry.add_kind(kFaqVoteKind);
  registry.add_local<change::FaqVote>(this, [](void *owner, const LocalChange &c) {
    Faq &faq = owner_as<Faq>(owner);
    const auto &vote = std::get<change::FaqVote>(c);
    try {
      faq.catalog_.record_vote(vote.article_id, vote.helpful);
    } catch (const Error &e) {
      faq.logger_.info(std::string("vote kept for the server only: ") + e.what());  // article gone meanwhile
    }
  });
  registry.add_sync_type(wire::sync_type::kFaqChanged, this, [](void *owner, const rapidjson::Value &) {
    owner_as<Faq>(owner).sync_->sync_now();
    return true;
  });
}

}  // namespace helpline::detail
