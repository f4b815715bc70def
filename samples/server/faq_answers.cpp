#include "faq_answers.hpp"

#include <rapidjson/document.h>

#include "faq/engine/faq_engine.hpp"

namespace helpline::server {

struct FaqAnswers::Index {
  faq::FaqIndex index;
  int64_t seq = -1;  // the FAQ sequence the index reflects
};

FaqAnswers::FaqAnswers() = default;
FaqAnswers::~FaqAnswers() = default;

std::vector<FaqHit> FaqAnswers::suggest(const std::string &app, int64_t faq_seq,
                                        const std::function<std::string(int64_t since)> &document,
                                        const std::string &subject, const std::string &body) {
  std::lock_guard<std::mutex> lock(mu_);
  auto &slot = apps_[app];
  if (!slot) slot = std::make_unique<Index>();
  Index &index = *slot;
  if (index.seq != faq_seq) {
    index.index.apply(document(index.seq < 0 ? 0 : index.seq));
    index.seq = faq_seq;
  }
  rapidjson::Document d;
  std::string json = index.index.suggest_for_ticket_json(subject, body, kMaxHits);
  d.Parse(json.c_str());
  std::vector<FaqHit> hits;
  if (!d.IsObject() || !d.HasMember("hits") || !d["hits"].IsArray()) return hits;
  for (const auto &h : d["hits"].GetArray()) {
    if (h.HasMember("id") && h["id"].IsString() && h.HasMember("title") && h["title"].IsString()) {
      hits.push_back(FaqHit{h["id"].GetString(), h["title"].GetString()});
    }
  }
  return hits;
}

}  // namespace helpline::server
