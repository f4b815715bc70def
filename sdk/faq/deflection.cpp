#include "faq/deflection.hpp"

#include <algorithm>

#include <rapidjson/document.h>

#include "base/clock.hpp"
#include "base/utf8.hpp"
#include "faq/faq_items.hpp"

namespace helpline::detail {

void Deflection::suggested(const std::string &hits_json, std::string_view subject, std::string_view body) {
  rapidjson::Document d;
  d.Parse(hits_json.data(), hits_json.size());
  if (!d.IsObject() || !d.HasMember("hits") || !d["hits"].IsArray() || d["hits"].Empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto &hit : d["hits"].GetArray()) {
    if (!hit.HasMember("id") || !hit["id"].IsString()) continue;
    std::string id = hit["id"].GetString();
    if (article_ids_.size() < 20 &&
        std::find(article_ids_.begin(), article_ids_.end(), id) == article_ids_.end()) {
      article_ids_.push_back(id);
    }
  }
  query_ = std::string(utf8_head(subject.empty() ? body : subject, wire::limit::kDeflectionQueryBytes));
  at_ = now_ms();
  if (!timer_.exchange(true)) {
    instance_.post(
        [this] {
          instance_.worker().post_at(Worker::Clock::now() + std::chrono::milliseconds(kWindowMs),
                                     [this] { on_timer(); });
        },
        "helpline_faq_suggest_for_ticket");
  }
}

std::optional<NewItem> Deflection::take_for_ticket(const std::string &ticket_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (article_ids_.empty()) return std::nullopt;
  NewItem item = make_deflection_item(article_ids_, query_, ticket_id);
  article_ids_.clear();
  query_.clear();
  at_ = 0;
  return item;
}

void Deflection::on_timer() {
  timer_.store(false);
  flush(kWindowMs);
  std::lock_guard<std::mutex> lock(mu_);
  if (!article_ids_.empty() && !timer_.exchange(true)) {
    const int64_t left = std::max<int64_t>(0, at_ + kWindowMs - now_ms());
    instance_.worker().post_at(Worker::Clock::now() + std::chrono::milliseconds(left),
                               [this] { on_timer(); });
  }
}

void Deflection::flush(int64_t older_than_ms) {
  std::vector<NewItem> items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (article_ids_.empty() || now_ms() - at_ < older_than_ms) return;
    items.push_back(make_deflection_item(article_ids_, query_, std::string()));
    article_ids_.clear();
    query_.clear();
    at_ = 0;
  }
  // No ticket followed the suggestions: the FAQ answered the user.
  instance_.enqueue(std::move(items));
}

void Deflection::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  article_ids_.clear();
  query_.clear();
  at_ = 0;
}

}  // namespace helpline::detail
