// Automated answers on new tickets (apps with settings.faq_auto_answer): the server searches its
// FAQ with the SDK's own ranking (sdk/faq: the same FTS5 index, spelling and code folding the
// devices use offline) and posts the confident hits as a bot message. One in-memory index per
// app, brought up to date from the FAQ delta feed whenever the FAQ changed. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

struct FaqHit {
  std::string id;
  std::string title;
};

class FaqAnswers {
 public:
  static constexpr int kMaxHits = 3;

  FaqAnswers();
  ~FaqAnswers();

  // `faq_seq`: the app's current FAQ sequence; `document(since)`: the GET /v1/faq body for the
  // changes after `since` (0: everything).
  std::vector<FaqHit> suggest(const std::string &app, int64_t faq_seq,
                              const std::function<std::string(int64_t since)> &document,
                              const std::string &subject, const std::string &body);

 private:
  struct Index;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Index>> apps_;
};

}  // namespace helpline::server
