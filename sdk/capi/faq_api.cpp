// extern "C" shims for the offline FAQ.
#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "core/client.hpp"
#include "protocol/wire.hpp"

using namespace helpline::detail;

namespace {

std::string_view optional_text(const char *s, const char *function, const char *name, std::size_t max) {
  return s == nullptr ? std::string_view() : require_text(s, function, name, max, true);
}

}  // namespace

extern "C" {

helpline_status_t helpline_faq_search(helpline_t *h, const char *query, const char *locale, int limit,
                                      char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    std::string_view q = require_text(query, __func__, "query", wire::limit::kFaqQueryBytes, true);
    std::string_view l = optional_text(locale, __func__, "locale", limits::kLocaleBytes);
    *out_json = copy_out(client->faq().search(q, l, limit));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_faq_sections_json(helpline_t *h, const char *locale, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    *out_json =
        copy_out(client->faq().sections(optional_text(locale, __func__, "locale", limits::kLocaleBytes)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_faq_article_json(helpline_t *h, const char *article_id, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    *out_json = copy_out(client->faq().article(
        require_text(article_id, __func__, "article_id", wire::limit::kFaqArticleIdBytes)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_faq_vote(helpline_t *h, const char *article_id, int helpful) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->faq().vote(
        std::string(require_text(article_id, __func__, "article_id", wire::limit::kFaqArticleIdBytes)),
        helpful != 0);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_faq_suggest_for_ticket(helpline_t *h, const char *subject, const char *body,
                                                  char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    std::string_view s = optional_text(subject, __func__, "subject", wire::limit::kBodyBytes);
    std::string_view b = optional_text(body, __func__, "body", wire::limit::kBodyBytes);
    if (s.empty() && b.empty()) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_faq_suggest_for_ticket: subject and body are both empty");
    }
    *out_json = copy_out(client->faq().suggest(s, b));
    return HELPLINE_OK;
  });
}

}  // extern "C"
