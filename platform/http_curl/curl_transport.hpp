// libcurl multi transport: TLS verification on, optional CA file and public-key pin, proxy from
// the environment (libcurl's default), keep-alive connection reuse across requests.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <curl/curl.h>

#include "base/transport.hpp"

namespace helpline::detail {

struct TlsOptions {
  std::string ca_file;     // empty: the system store
  std::string pinned_key;  // CURLOPT_PINNEDPUBLICKEY value ("sha256//..."), empty: none
  bool verify = true;      // only tests may turn this off
};

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(TlsOptions tls);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport &) = delete;
  CurlTransport &operator=(const CurlTransport &) = delete;

  void start(HttpRequest request, HttpDone done) override;
  void wait(int timeout_ms) override;
  void wakeup() override;
  std::size_t active() const override { return transfers_.size(); }
  void abort_all() override;

 private:
  struct Transfer;
  void finish(CURL *easy, CURLcode result);
  int drain();  // runs the completions of finished transfers; returns how many

  TlsOptions tls_;
  CURLM *multi_ = nullptr;
  std::map<CURL *, std::unique_ptr<Transfer>> transfers_;
};

// curl_global_init exactly once per process, guarded; never cleaned up (the host owns that).
void ensure_curl_global_init();

}  // namespace helpline::detail
