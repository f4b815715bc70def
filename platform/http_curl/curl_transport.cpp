#include "http_curl/curl_transport.hpp"

#include <cctype>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "base/error.hpp"

namespace helpline::detail {

void ensure_curl_global_init() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK)
    throw Error(HELPLINE_E_INTERNAL, std::string("curl_global_init: ") + curl_easy_strerror(rc));
}

struct CurlTransport::Transfer {
  std::unique_ptr<CURL, void (*)(CURL *)> easy{nullptr, curl_easy_cleanup};
  std::unique_ptr<curl_slist, void (*)(curl_slist *)> headers{nullptr, curl_slist_free_all};
  HttpRequest request;
  HttpResponse response;
  HttpDone done;
  char error[CURL_ERROR_SIZE] = {0};
};

namespace {

size_t on_body(char *data, size_t size, size_t n, void *user) {
  static_cast<HttpResponse *>(user)->body.append(data, size * n);
  return size * n;
}

// Keeps the two response headers the sync engine uses: Retry-After (seconds form) and ETag.
size_t on_header(char *data, size_t size, size_t n, void *user) {
  auto *r = static_cast<HttpResponse *>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  auto first = value.find_first_not_of(" \t");
  auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
  note_response_header(*r, name, value);
  return size * n;
}

int on_progress(void *user, curl_off_t, curl_off_t, curl_off_t total, curl_off_t now) {
  const auto &progress = static_cast<HttpRequest *>(user)->progress;
  if (total > 0) progress(static_cast<int64_t>(now), static_cast<int64_t>(total));
  return 0;
}

}  // namespace

CurlTransport::CurlTransport(TlsOptions tls) : tls_(std::move(tls)) {
  ensure_curl_global_init();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw Error(HELPLINE_E_NO_MEMORY, "curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 4L);
}

CurlTransport::~CurlTransport() {
  abort_all();
  curl_multi_cleanup(multi_);
}

void CurlTransport::start(HttpRequest request, HttpDone done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  t->easy.reset(curl_easy_init());
  if (!t->easy) throw Error(HELPLINE_E_NO_MEMORY, "curl_easy_init failed");
  CURL *e = t->easy.get();
  for (const auto &h : t->request.headers) {
    curl_slist *next = curl_slist_append(t->headers.get(), h.c_str());
    if (next == nullptr) throw Error(HELPLINE_E_NO_MEMORY, "curl_slist_append failed");
    t->headers.release();
    t->headers.reset(next);
  }
  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t->request.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls_.verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls_.verify ? 2L : 0L);
  if (!tls_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, tls_.ca_file.c_str());
  if (!tls_.pinned_key.empty()) curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, tls_.pinned_key.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->response);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t->response);
  if (t->request.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, t->request.method.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
  }
  if (t->request.progress) {
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t->request);
  }
  CURLMcode mc = curl_multi_add_handle(multi_, e);
  if (mc != CURLM_OK)
    throw Error(HELPLINE_E_INTERNAL, std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc));
  transfers_.emplace(e, std::move(t));
}

void CurlTransport::wait(int timeout_ms) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  // A transfer that finished inside perform leaves nothing for poll to watch: handle it now,
  // or the worker would sleep with the completion unread.
  if (drain() > 0) return;
  // With nothing in flight and no deadline the poll only watches the wakeup pipe: no timer,
  // so an idle SDK is never woken.
  curl_multi_poll(multi_, nullptr, 0, timeout_ms < 0 ? INT_MAX : timeout_ms, nullptr);
  curl_multi_perform(multi_, &running);
  drain();
}

int CurlTransport::drain() {
  int finished = 0, left = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg == CURLMSG_DONE) {
      finish(msg->easy_handle, msg->data.result);
      ++finished;
    }
  }
  return finished;
}

void CurlTransport::wakeup() {
  curl_multi_wakeup(multi_);
}

void CurlTransport::finish(CURL *easy, CURLcode result) {
  auto it = transfers_.find(easy);
  if (it == transfers_.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  transfers_.erase(it);
  curl_multi_remove_handle(multi_, easy);
  if (result == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->response.status);
  } else {
    t->response.status = 0;
    t->response.error =
        std::string(curl_easy_strerror(result)) + (t->error[0] ? std::string(": ") + t->error : "");
  }
  HttpDone done = std::move(t->done);
  HttpResponse response = std::move(t->response);
  t.reset();
  done(std::move(response));
}

void CurlTransport::abort_all() {
  for (auto &entry : transfers_) curl_multi_remove_handle(multi_, entry.first);
  transfers_.clear();  // completions are dropped: the rows stay queued and are resent later
}

}  // namespace helpline::detail
