// Attacks on the HTTP transport (security issue #16), replayed against the real server on 127.0.0.1:
// request smuggling, descriptor exhaustion, bodies buffered before authentication, the access log, the
// per-address rate limit, and the attachment id existence leak.
#define BOOST_TEST_MODULE server_hardening_http
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace hlt = helpline::testing;
using namespace helpline::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// A raw TCP connection to the server, for requests no HTTP client library would send.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  ~RawConn() { close(); }
  RawConn(const RawConn &) = delete;
  RawConn &operator=(const RawConn &) = delete;

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // False when the peer refused part of it (closed, reset, or the send timed out).
  bool send_all(const std::string &data) {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until `done(received)` holds, the peer closes (closed() is then true) or `timeout` passes.
  const std::string &read_until(const std::function<bool(const std::string &)> &done, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buf[16384];
    while (!closed_ && !done(received_)) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  const std::string &read_until_closed(milliseconds timeout) {
    return read_until([](const std::string &) { return false; }, timeout);
  }
  // Reads until one whole response head (status line and headers) has arrived.
  const std::string &read_head(milliseconds timeout) {
    return read_until([](const std::string &s) { return s.find("\r\n\r\n") != std::string::npos; }, timeout);
  }
  bool closed() const { return closed_; }
  const std::string &received() const { return received_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

// Status lines in what arrived ("HTTP/1.1 " followed by the code).
std::vector<int> statuses(const std::string &received) {
  std::vector<int> out;
  for (size_t at = received.find("HTTP/1.1 "); at != std::string::npos;
       at = received.find("HTTP/1.1 ", at + 1))
    out.push_back(std::atoi(received.c_str() + at + 9));
  return out;
}

std::string head_request(const std::string &method, const std::string &target, const std::string &headers) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

// The server process started by this test (a child of this process whose command line names its database).
pid_t server_pid(const hlt::ServerProcess &server) {
  const std::string db = server.db_path().string();
  std::unique_ptr<DIR, int (*)(DIR *)> proc(::opendir("/proc"), ::closedir);
  while (dirent *e = ::readdir(proc.get())) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream cmd("/proc/" + std::string(e->d_name) + "/cmdline", std::ios::binary);
    std::string args((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (args.find(db) == std::string::npos) continue;
    std::ifstream st("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 2));
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid()) return pid;
  }
  return -1;
}

// utime + stime of `pid`, in milliseconds.
long cpu_ms(pid_t pid) {
  std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(stat.substr(paren + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    rest >> field;
    if (i == 14) utime = std::atol(field.c_str());
    if (i == 15) stime = std::atol(field.c_str());
  }
  return (utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK);
}

// Waits until `pid` has used no CPU for 300 ms (its start-up work, e.g. a first argon2id hash, is over).
bool wait_until_quiet(pid_t pid) {
  long last = cpu_ms(pid);
  auto since = Clock::now();
  return hlt::wait_until(
      [&] {
        const long now = cpu_ms(pid);
        if (now != last) {
          last = now;
          since = Clock::now();
        }
        return Clock::now() - since >= milliseconds(300);
      },
      milliseconds(15000));
}

// VmRSS of `pid`, in KiB.
long rss_kib(pid_t pid) {
  std::ifstream st("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(st, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

size_t open_fds(pid_t pid) {
  size_t n = 0;
  std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str()),
                                           ::closedir);
  if (!dir) return 0;
  while (dirent *e = ::readdir(dir.get()))
    if (e->d_name[0] != '.') ++n;
  return n;
}

uintmax_t file_size_or_zero(const std::filesystem::path &p) {
  std::error_code ec;
  auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

bool health_ok(const hlt::ServerProcess &server) {
  RawConn c(server.port());
  if (!c.ok() || !c.send_all(head_request("GET", "/v1/health", "Connection: close\r\n"))) return false;
  c.read_until_closed(milliseconds(2000));
  auto s = statuses(c.received());
  return !s.empty() && s.front() == 200;
}

std::string device_headers(const std::string &app, const std::string &device) {
  return "X-Helpline-App-Key: " + app + "\r\nX-Helpline-Device-Id: " + device + "\r\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Finding 3: a Transfer-Encoding the server does not frame by, or one next to a Content-Length, used to be
// read as "no body", so the body ran as a second request on the same connection.
BOOST_AUTO_TEST_SUITE(request_smuggling)

BOOST_AUTO_TEST_CASE(transfer_encoding_not_ending_in_chunked_is_400_and_closes) {
  auto &server = shared_server();
  const std::string smuggled = head_request("GET", "/v1/health", "");
  for (const std::string te : {"identity", "gzip", "chunked, identity", "gzip, identity"}) {
    BOOST_TEST_CONTEXT("Transfer-Encoding: " << te) {
      RawConn c(server.port());
      BOOST_REQUIRE(c.ok());
      c.send_all(head_request("POST", "/v1/tickets",
                              device_headers(kAppKey, unique("dev-smuggle-")) +
                                  "Content-Type: application/json\r\nTransfer-Encoding: " + te + "\r\n") +
                 smuggled);
      c.read_until_closed(milliseconds(5000));
      BOOST_CHECK(c.closed());
      const auto s = statuses(c.received());
      BOOST_REQUIRE_EQUAL(s.size(), 1U);
      BOOST_CHECK_EQUAL(s.front(), 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(two_transfer_encoding_fields_whose_last_is_not_chunked_are_400) {
  auto &server = shared_server();
  RawConn c(server.port());
  BOOST_REQUIRE(c.ok());
  c.send_all(head_request("POST", "/v1/tickets",
                          device_headers(kAppKey, unique("dev-smuggle-")) +
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                              "Transfer-Encoding: identity\r\n") +
             head_request("GET", "/v1/health", ""));
  c.read_until_closed(milliseconds(5000));
  BOOST_CHECK(c.closed());
  const auto s = statuses(c.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 400);
}

BOOST_AUTO_TEST_CASE(transfer_encoding_with_content_length_is_400_and_closes) {
  auto &server = shared_server();
  for (const std::string te : {"chunked", "identity"}) {
    BOOST_TEST_CONTEXT("Transfer-Encoding: " << te) {
      RawConn c(server.port());
      BOOST_REQUIRE(c.ok());
      const std::string smuggled = head_request("GET", "/v1/health", "");
      const std::string body = "0\r\n\r\n" + smuggled;
      c.send_all(head_request("POST", "/v1/tickets",
                              device_headers(kAppKey, unique("dev-smuggle-")) +
                                  "Content-Type: application/json\r\nTransfer-Encoding: " + te +
                                  "\r\nContent-Length: 5\r\n") +
                 body);
      c.read_until_closed(milliseconds(5000));
      BOOST_CHECK(c.closed());
      const auto s = statuses(c.received());
      BOOST_REQUIRE_EQUAL(s.size(), 1U);
      BOOST_CHECK_EQUAL(s.front(), 400);
    }
  }
}

BOOST_AUTO_TEST_CASE(plain_chunked_body_still_works) {
  auto &server = shared_server();
  RawConn c(server.port());
  BOOST_REQUIRE(c.ok());
  const std::string json = R"({"subject":"chunked","body":"b"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", json.size());
  c.send_all(head_request("POST", "/v1/tickets",
                          device_headers(kAppKey, unique("dev-chunked-")) +
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                              "Connection: close\r\n") +
             size + "\r\n" + json + "\r\n0\r\n\r\n");
  c.read_until_closed(milliseconds(5000));
  const auto s = statuses(c.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 201);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
// Finding 4: at the descriptor limit the accept loop retried at once and logged every failure.
BOOST_AUTO_TEST_SUITE(descriptor_exhaustion)

BOOST_AUTO_TEST_CASE(accept_backs_off_at_the_descriptor_limit_and_recovers) {
  // The server inherits a low descriptor limit; this process keeps its own (restored right after the start).
  rlimit mine{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &mine) == 0);
  rlimit low = mine;
  low.rlim_cur = 96;
  BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::unique_ptr<hlt::ServerProcess> server;
  try {
    server = std::make_unique<hlt::ServerProcess>();
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &mine);
    throw;
  }
  BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &mine) == 0);
  const pid_t pid = server_pid(*server);
  BOOST_REQUIRE_GT(pid, 0);
  BOOST_REQUIRE(wait_until_quiet(pid));

  std::vector<std::unique_ptr<RawConn>> flood;
  for (int i = 0; i < 160; ++i) {
    flood.push_back(std::make_unique<RawConn>(server->port()));
    BOOST_REQUIRE(flood.back()->ok());
  }
  // The server has run out of descriptors once it holds (nearly) all 96 and has said so.
  BOOST_REQUIRE(hlt::wait_until(
      [&] { return open_fds(pid) >= 94 && server->log().find("accept failed") != std::string::npos; },
      milliseconds(10000)));

  const long cpu0 = cpu_ms(pid);
  const auto log0 = file_size_or_zero(server->log_path());
  const auto t0 = Clock::now();
  hlt::wait_until([&] { return Clock::now() - t0 >= milliseconds(2000); }, milliseconds(2500));
  const long cpu = cpu_ms(pid) - cpu0;
  const auto grew = file_size_or_zero(server->log_path()) - log0;
  BOOST_TEST_MESSAGE("at the descriptor limit for 2 s: server CPU " << cpu << " ms, log +" << grew
                                                                    << " bytes");
  BOOST_CHECK_LT(cpu, 300);
  BOOST_CHECK_LT(grew, 4096U);

  flood.clear();
  BOOST_CHECK(hlt::wait_until([&] { return health_ok(*server); }, milliseconds(10000)));
}

BOOST_AUTO_TEST_CASE(connections_over_the_per_address_cap_are_closed_at_once) {
  hlt::ServerConfig config;
  config.extra_args = {"--max-connections-per-address", "4"};
  hlt::ServerProcess server(config);
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawConn>(server.port()));
    BOOST_REQUIRE(held.back()->ok());
  }
  // One request on the last one proves all four have been accepted (the server accepts in order).
  BOOST_REQUIRE(held.back()->send_all(head_request("GET", "/v1/health", "")));
  held.back()->read_head(milliseconds(5000));
  BOOST_REQUIRE_EQUAL(statuses(held.back()->received()).size(), 1U);

  RawConn over(server.port());
  BOOST_REQUIRE(over.ok());
  over.send_all(head_request("GET", "/v1/health", ""));
  over.read_until_closed(milliseconds(5000));
  BOOST_CHECK(over.closed());
  const auto s = statuses(over.received());
  BOOST_CHECK(s.empty() || s.front() == 503);

  held.front()->close();
  BOOST_CHECK(hlt::wait_until([&] { return health_ok(server); }, milliseconds(5000)));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
// Finding 5: bodies were read whole into memory before authentication, with no overall cap.
BOOST_AUTO_TEST_SUITE(bodies_before_authentication)

BOOST_AUTO_TEST_CASE(unknown_app_key_is_401_before_the_body_is_sent) {
  // Within the cap: 401 at once. Over it: 413 at once (the size cap comes before authentication, protocol.md
  // section 2). Either way nothing of the body is waited for.
  auto &server = shared_server();
  for (const auto &[length, status] :
       std::vector<std::pair<std::string, int>>{{"5000000", 401}, {"1073741824", 413}}) {
    BOOST_TEST_CONTEXT("Content-Length: " << length) {
      RawConn c(server.port());
      BOOST_REQUIRE(c.ok());
      c.send_all(head_request("POST", "/v1/attachments?filename=x.bin",
                              device_headers("no-such-app", unique("dev-noapp-")) +
                                  "Content-Type: application/octet-stream\r\nContent-Length: " + length +
                                  "\r\n"));
      c.read_until_closed(milliseconds(5000));
      BOOST_CHECK(c.closed());
      const auto s = statuses(c.received());
      BOOST_REQUIRE_EQUAL(s.size(), 1U);
      BOOST_CHECK_EQUAL(s.front(), status);
    }
  }
}

BOOST_AUTO_TEST_CASE(missing_app_key_is_401_before_the_body_is_sent) {
  RawConn c(shared_server().port());
  BOOST_REQUIRE(c.ok());
  c.send_all(
      head_request("POST", "/v1/tickets", "Content-Type: application/json\r\nContent-Length: 500000\r\n"));
  c.read_head(milliseconds(5000));
  const auto s = statuses(c.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 401);
}

BOOST_AUTO_TEST_CASE(unknown_route_is_404_before_the_body_is_sent) {
  RawConn c(shared_server().port());
  BOOST_REQUIRE(c.ok());
  c.send_all(head_request("POST", "/v1/no-such-upload",
                          device_headers(kAppKey, unique("dev-noroute-")) + "Content-Length: 500000\r\n"));
  c.read_head(milliseconds(5000));
  const auto s = statuses(c.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 404);
}

BOOST_AUTO_TEST_CASE(half_sent_large_uploads_do_not_grow_the_server) {
  hlt::ServerProcess server;
  const pid_t pid = server_pid(server);
  BOOST_REQUIRE_GT(pid, 0);
  BOOST_REQUIRE(wait_until_quiet(pid));
  const long rss_before = rss_kib(pid);
  constexpr size_t kSize = 10 << 20;
  std::string half(kSize / 2, 'h');
  std::vector<std::unique_ptr<RawConn>> uploads;
  for (int i = 0; i < 64; ++i) {
    uploads.push_back(std::make_unique<RawConn>(server.port()));
    BOOST_REQUIRE(uploads.back()->ok());
    BOOST_REQUIRE(uploads.back()->send_all(
        head_request("POST", "/v1/attachments?filename=big.bin",
                     device_headers(kAppKey, "dev-upload-" + std::to_string(i) + "-" + unique("x")) +
                         "Content-Type: application/octet-stream\r\nContent-Length: " +
                         std::to_string(kSize) + "\r\n") +
        half));
  }
  // The server reads the halves as they come; watch its resident size while it does.
  long peak = 0;
  const auto t0 = Clock::now();
  hlt::wait_until(
      [&] {
        peak = std::max(peak, rss_kib(pid));
        return Clock::now() - t0 >= milliseconds(2000);
      },
      milliseconds(3000));
  BOOST_TEST_MESSAGE("64 half-sent 10 MiB uploads: server RSS " << rss_before / 1024 << " -> peak "
                                                                << peak / 1024 << " MiB");
#if defined(__SANITIZE_ADDRESS__)
  // ASan keeps freed chunks in its quarantine (256 MiB by default) and adds shadow memory: the resident size
  // says nothing about buffering there. The default preset checks the bound.
  BOOST_TEST_MESSAGE("(RSS bound not checked under AddressSanitizer)");
#else
  BOOST_CHECK_LT(peak, 100 * 1024);
#endif

  // One of them finishes: stored whole and intact.
  std::string rest(kSize - half.size(), 'r');
  BOOST_REQUIRE(uploads.front()->send_all(rest));
  uploads.front()->read_until(
      [](const std::string &s) {
        const size_t head = s.find("\r\n\r\n");
        return head != std::string::npos && s.find('}', head) != std::string::npos;
      },
      milliseconds(20000));
  const auto &got = uploads.front()->received();
  BOOST_REQUIRE_EQUAL(statuses(got).size(), 1U);
  BOOST_CHECK_EQUAL(statuses(got).front(), 201);
  uploads.clear();
}

BOOST_AUTO_TEST_CASE(large_upload_round_trips_byte_exact) {
  Device dev(shared_server());
  std::string data(3 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=blob.bin";
  up.content_type = "application/octet-stream";
  up.body = data;
  const auto r = dev.http.send(up);
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/size"), static_cast<long long>(data.size()));
  const auto got = dev.http.get("/v1/attachments/" + str_at(doc, "/id"));
  REQUIRE_STATUS(got, 200);
  BOOST_CHECK(got.body == data);
}

BOOST_AUTO_TEST_CASE(bodies_over_the_in_flight_budget_are_503_with_retry_after) {
  hlt::ServerConfig config;
  config.extra_args = {"--max-inflight-body-bytes", "3000000"};
  hlt::ServerProcess server(config);
  const std::string one_mib = std::to_string(1 << 20);
  std::vector<std::unique_ptr<RawConn>> holders;
  for (int i = 0; i < 2; ++i) {
    holders.push_back(std::make_unique<RawConn>(server.port()));
    BOOST_REQUIRE(holders.back()->send_all(
        head_request("POST", "/v1/tickets",
                     device_headers(kAppKey, unique("dev-budget-")) +
                         "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                         one_mib + "\r\n") +
        "{\"subject\":\""));
    holders.back()->read_head(milliseconds(5000));
    BOOST_REQUIRE_MESSAGE(holders.back()->received().find("HTTP/1.1 100") == 0, holders.back()->received());
  }
  RawConn third(server.port());
  third.send_all(head_request("POST", "/v1/tickets",
                              device_headers(kAppKey, unique("dev-budget-")) +
                                  "Content-Type: application/json\r\nContent-Length: " + one_mib + "\r\n"));
  third.read_until_closed(milliseconds(5000));
  BOOST_CHECK(third.closed());
  auto s = statuses(third.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 503);
  BOOST_CHECK(third.received().find("Retry-After:") != std::string::npos);

  // A chunked body is counted as it grows.
  RawConn chunked(server.port());
  chunked.send_all(head_request("POST", "/v1/tickets",
                                device_headers(kAppKey, unique("dev-budget-")) +
                                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"));
  const std::string piece(100000, 'c');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", piece.size());
  for (int i = 0; i < 10 && !chunked.closed(); ++i) {
    if (!chunked.send_all(std::string(size) + "\r\n" + piece + "\r\n")) break;
    chunked.read_until([](const std::string &r) { return !r.empty(); }, milliseconds(100));
  }
  chunked.read_until_closed(milliseconds(5000));
  BOOST_CHECK(chunked.closed());
  s = statuses(chunked.received());
  BOOST_REQUIRE_EQUAL(s.size(), 1U);
  BOOST_CHECK_EQUAL(s.front(), 503);

  // Once the holders go, their share comes back: the same request is let in (100 Continue, not 503).
  holders.clear();
  BOOST_CHECK(hlt::wait_until(
      [&] {
        RawConn again(server.port());
        again.send_all(head_request("POST", "/v1/tickets",
                                    device_headers(kAppKey, unique("dev-budget-")) +
                                        "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                        "Content-Length: " +
                                        one_mib + "\r\n"));
        again.read_head(milliseconds(2000));
        return again.received().find("HTTP/1.1 100") == 0;
      },
      milliseconds(5000)));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
// Finding 7 (transport and API parts).
BOOST_AUTO_TEST_SUITE(access_log_and_limits)

BOOST_AUTO_TEST_CASE(every_access_log_line_is_valid_json_whatever_the_request_carries) {
  hlt::ServerProcess server;
  const std::vector<std::string> requests = {
      head_request("GET", "/v1/tick%FF%C3%28ets%01%1b[31m", device_headers(kAppKey, unique("dev-log-"))),
      head_request("GET", "/v1/\xff\xfe/x", device_headers(kAppKey, unique("dev-log-"))),
      head_request("GET", "/v1/tickets", device_headers("app-\xff\xc3\x28", "dev-\xe2\x82")),
      head_request("GET", "/v1/tickets", device_headers(kAppKey, "dev-\x7f\xed\xa0\x80-zzzzzz")),
  };
  for (const auto &req : requests) {
    RawConn c(server.port());
    BOOST_REQUIRE(c.ok());
    c.send_all(req);
    c.read_head(milliseconds(5000));
    BOOST_CHECK_EQUAL(statuses(c.received()).size(), 1U);
  }
  std::vector<std::string> lines;
  BOOST_REQUIRE(hlt::wait_until(
      [&] {
        lines.clear();
        std::istringstream in(server.log());
        std::string line;
        while (std::getline(in, line))
          if (!line.empty() && line.front() == '{') lines.push_back(line);
        return lines.size() >= requests.size() + 1;  // + the fixture's health check
      },
      milliseconds(5000)));
  for (const auto &line : lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
    BOOST_CHECK_MESSAGE(!doc.HasParseError() && doc.IsObject(),
                        "invalid access log line: "
                            << line << " (" << rapidjson::GetParseError_En(doc.GetParseError()) << ")");
  }
}

BOOST_AUTO_TEST_CASE(access_log_pseudonymises_device_ids_stably) {
  hlt::ServerProcess server;
  const std::string id = unique("dev-secret-device-");
  Device dev(server, kAppKey, id);
  const auto a = dev.http.get("/v1/tickets");
  const auto b = dev.http.get("/v1/tickets");
  CHECK_STATUS(a, 200);
  CHECK_STATUS(b, 200);
  Device other(server);
  const auto c = other.http.get("/v1/tickets");
  std::map<std::string, std::string> device_of;  // req_id -> logged device
  BOOST_REQUIRE(hlt::wait_until(
      [&] {
        device_of.clear();
        std::istringstream in(server.log());
        std::string line;
        while (std::getline(in, line)) {
          if (line.empty() || line.front() != '{') continue;
          rapidjson::Document doc;
          doc.Parse(line.data(), line.size());
          if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("req_id")) continue;
          device_of[doc["req_id"].GetString()] =
              doc.HasMember("device") && doc["device"].IsString() ? doc["device"].GetString() : "";
        }
        return device_of.count(*a.header("X-Request-Id")) > 0 &&
               device_of.count(*b.header("X-Request-Id")) > 0 &&
               device_of.count(*c.header("X-Request-Id")) > 0;
      },
      milliseconds(5000)));
  BOOST_CHECK(server.log().find(id) == std::string::npos);
  const std::string da = device_of[*a.header("X-Request-Id")];
  const std::string db = device_of[*b.header("X-Request-Id")];
  const std::string dc = device_of[*c.header("X-Request-Id")];
  BOOST_CHECK(!da.empty());
  BOOST_CHECK_EQUAL(da, db);
  BOOST_CHECK_NE(da, dc);
}

BOOST_AUTO_TEST_CASE(rotating_device_ids_from_one_address_meets_429) {
  hlt::ServerConfig config;
  config.apps.front().limits.device_requests_per_second = 5;
  config.apps.front().limits.device_burst = 5;
  hlt::ServerProcess server(config);
  int limited = 0;
  std::string code;
  for (int i = 0; i < 300 && limited == 0; ++i) {
    Device dev(server, kAppKey, "dev-rotate-" + std::to_string(i) + "-" + unique("x"));
    const auto r = dev.http.get("/v1/tickets");
    if (r.status == 429) {
      ++limited;
      code = str_at(json(r), "/error/code");
      BOOST_CHECK(r.header("Retry-After").has_value());
    }
  }
  BOOST_CHECK_EQUAL(limited, 1);
  BOOST_CHECK_EQUAL(code, "rate_limited");
}

BOOST_AUTO_TEST_CASE(attachment_id_taken_by_another_user_is_404_not_409) {
  Device owner(shared_server());
  Device stranger(shared_server());
  const std::string id = "att-" + unique("x");
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=a.txt&id=" + id;
  up.content_type = "text/plain";
  up.body = "mine";
  CHECK_STATUS(owner.http.send(up), 201);
  up.body = "theirs";
  CHECK_ERROR(stranger.http.send(up), 404, "not_found");
}

BOOST_AUTO_TEST_SUITE_END()
