// Security issue #16, against the real server on 127.0.0.1: agent logins hash passwords off the I/O threads
// (a login flood leaves other requests fast; a full password queue is 503), failed logins are throttled per
// account and address (429 + Retry-After) without locking the agent out elsewhere; ids of other principals
// are 404 (not 409); the console serves only regular files inside its directory; and its cookies are Secure
// unless the browser is on plain HTTP on this machine (trusted_proxies decide behind a proxy).
//
// Clients bind to different loopback addresses (127.0.0.x, all on this machine) to be different addresses.
#define BOOST_TEST_MODULE server_hardening_login
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/percentiles.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hlt = helpline::testing;
using namespace helpline::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Raw {
  int status = 0;                              // 0: transport failure
  std::map<std::string, std::string> headers;  // lower-case names (last one wins)
  std::string body;
  double ms = 0;
  std::string header(const std::string &name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One HTTP/1.1 exchange on its own connection, from `source` (a 127.0.0.0/8 address) to the server.
Raw http_from(const std::string &source, int port, const std::string &method, const std::string &path,
              const std::string &body = "", const Headers &headers = {}) {
  Raw out;
  const auto start = Clock::now();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0) {
    ::close(fd);
    return out;
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nConnection: close\r\n";
  bool host = false;
  for (const auto &h : headers) host = host || h.first == "Host";
  if (!host) req += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto &[k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[8192];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  out.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  size_t eoh = resp.find("\r\n\r\n");
  if (resp.rfind("HTTP/1.1 ", 0) != 0 || eoh == std::string::npos) return out;
  out.status = std::atoi(resp.c_str() + 9);
  size_t line = resp.find("\r\n") + 2;
  while (line < eoh) {
    size_t end = resp.find("\r\n", line);
    std::string h = resp.substr(line, end - line);
    size_t colon = h.find(':');
    if (colon != std::string::npos) {
      std::string name = h.substr(0, colon);
      for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = h.substr(h.find_first_not_of(' ', colon + 1));
    }
    line = end + 2;
  }
  out.body = resp.substr(eoh + 4);
  return out;
}

ServerProcess &server() {
  return shared_server();
}

Raw login_from(const std::string &source, const std::string &email, const std::string &password,
               const std::string &extra = "", const Headers &headers = {}) {
  Headers h{{"X-Helpline-App-Key", kAppKey}};
  for (const auto &p : headers) h.push_back(p);
  return http_from(source, server().port(), "POST", "/v1/agent/login",
                   R"({"email":)" + q(email) + R"(,"password":)" + q(password) + extra + "}", h);
}

bool has_code(const Raw &r, const std::string &code) {
  return r.body.find(R"("code":")" + code + '"') != std::string::npos;
}

std::string describe(const Raw &r) {
  return std::to_string(r.status) + " " + r.body.substr(0, 300);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(login_flood)

// Before the fix: Argon2id ran on the I/O threads, so every request queued behind the logins (p95 of
// seconds).
BOOST_AUTO_TEST_CASE(a_flood_of_bogus_logins_leaves_other_requests_fast) {
  server();
  constexpr int kFlooders = 24;
  std::atomic<bool> stop{false};
  std::atomic<int> started{0};
  std::mutex mu;
  std::map<int, int> statuses;
  std::vector<std::thread> flood;
  for (int i = 0; i < kFlooders; ++i)
    flood.emplace_back([&, i] {
      const std::string source = "127.0.2." + std::to_string(10 + i);
      bool first = true;
      while (!stop) {
        if (first) ++started;
        first = false;
        Raw r = login_from(source, unique("nobody") + "@example.com", "guess-" + std::to_string(i));
        {
          std::lock_guard<std::mutex> lock(mu);
          ++statuses[r.status];
        }
        // An answer that is not a verification (503, 429) comes at once: pace those, keep one login in
        // flight.
        if (r.status != 401)
          for (int k = 0; k < 5 && !stop; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  BOOST_REQUIRE(wait_until([&] { return started == kFlooders; }, std::chrono::seconds(10)));
  // Sample while the flood runs: at least 40 samples, and until every flooder has had a login answered.
  auto answered = [&] {
    std::lock_guard<std::mutex> lock(mu);
    int n = 0;
    for (const auto &[status, count] : statuses) n += count;
    return n;
  };
  std::vector<double> ms;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while ((ms.size() < 40 || answered() < kFlooders) && Clock::now() < deadline) {
    Raw h = http_from("127.0.0.1", server().port(), "GET", "/v1/health");
    BOOST_REQUIRE_MESSAGE(h.status == 200, describe(h));
    ms.push_back(h.ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // pacing: spread the samples over the flood
  }
  stop = true;
  for (auto &t : flood) t.join();
  const double p50 = percentile(ms, 0.5), p95 = percentile(ms, 0.95);
  std::string counts;
  for (const auto &[s, n] : statuses) counts += " " + std::to_string(s) + "x" + std::to_string(n);
  BOOST_TEST_MESSAGE("health under a login flood: " << ms.size() << " samples, p50 " << p50 << " ms, p95 "
                                                    << p95 << " ms; login answers:" << counts);
  BOOST_CHECK_GE(ms.size(), 20u);
  BOOST_CHECK_LT(p95, 200.0);
  BOOST_CHECK_EQUAL(statuses.count(0), 0u);    // no connection failed
  BOOST_CHECK_EQUAL(statuses.count(500), 0u);  // and nothing broke
}

// Before the fix: no queue, so no 503 (every login was verified on an I/O thread).
BOOST_AUTO_TEST_CASE(a_full_password_queue_answers_503_with_retry_after) {
  server();
  constexpr int kAddresses = 25, kPerAddress = 4;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::mutex mu;
  std::vector<Raw> answers;
  std::vector<std::thread> clients;
  for (int a = 0; a < kAddresses; ++a)
    for (int k = 0; k < kPerAddress; ++k)
      clients.emplace_back([&, a] {
        const std::string source = "127.0.3." + std::to_string(10 + a);
        ++ready;
        while (!go) std::this_thread::yield();
        Raw r = login_from(source, unique("queued") + "@example.com", "not-the-password");
        std::lock_guard<std::mutex> lock(mu);
        answers.push_back(std::move(r));
      });
  BOOST_REQUIRE(wait_until([&] { return ready == kAddresses * kPerAddress; }, std::chrono::seconds(10)));
  go = true;
  for (auto &t : clients) t.join();
  std::map<int, int> statuses;
  for (const auto &r : answers) {
    ++statuses[r.status];
    if (r.status == 503) {
      BOOST_CHECK_GE(std::atoi(r.header("retry-after").c_str()), 1);
      BOOST_CHECK_MESSAGE(has_code(r, "unavailable"), describe(r));
    } else {
      BOOST_CHECK_MESSAGE(r.status == 401, describe(r));
    }
  }
  std::string counts;
  for (const auto &[s, n] : statuses) counts += " " + std::to_string(s) + "x" + std::to_string(n);
  BOOST_TEST_MESSAGE(kAddresses * kPerAddress << " concurrent logins:" << counts);
  BOOST_CHECK_GT(statuses[503], 0);
  BOOST_CHECK_GT(statuses[401], 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(brute_force)

// Before the fix: 40 x 401, every guess verified.
BOOST_AUTO_TEST_CASE(wrong_passwords_are_throttled_and_the_agent_still_logs_in_from_elsewhere) {
  const std::string email = unique("victim") + "@example.com";
  const std::string password = "the-real-password";
  hlt::create_agent(server(), email, password);
  const std::string attacker = "127.0.4.2";
  int unauthorized = 0, throttled = 0;
  for (int i = 0; i < 40; ++i) {
    Raw r = login_from(attacker, email, "guess-" + std::to_string(i));
    if (r.status == 401) {
      ++unauthorized;
      BOOST_CHECK_EQUAL(throttled, 0);  // once throttled, no further guess is verified
    } else if (r.status == 429) {
      ++throttled;
      BOOST_CHECK_GE(std::atoi(r.header("retry-after").c_str()), 1);
      BOOST_CHECK_MESSAGE(has_code(r, "rate_limited"), describe(r));
    } else {
      BOOST_ERROR("unexpected answer " << describe(r));
    }
  }
  BOOST_TEST_MESSAGE("40 wrong passwords from one address: " << unauthorized << " x 401, " << throttled
                                                             << " x 429");
  BOOST_CHECK_EQUAL(unauthorized, 5);
  BOOST_CHECK_EQUAL(throttled, 35);
  // Throttled means throttled: the right password from that address is refused too (no oracle).
  BOOST_CHECK_EQUAL(login_from(attacker, email, password).status, 429);
  // The agent, elsewhere, is not locked out.
  Raw agent = login_from("127.0.4.3", email, password);
  BOOST_CHECK_MESSAGE(agent.status == 200, describe(agent));
  // The throttle is temporary: after Retry-After the address may try again, and a success resets it.
  Raw again;
  BOOST_CHECK(wait_until(
      [&] {
        again = login_from(attacker, email, password);
        return again.status != 429;
      },
      std::chrono::seconds(15)));
  BOOST_CHECK_MESSAGE(again.status == 200, describe(again));
  for (int i = 0; i < 5; ++i) BOOST_CHECK_EQUAL(login_from(attacker, email, "wrong-again").status, 401);
  BOOST_CHECK_EQUAL(login_from(attacker, email, "wrong-again").status, 429);
}

BOOST_AUTO_TEST_CASE(unknown_emails_are_throttled_like_known_ones) {
  const std::string email = unique("ghost") + "@example.com";
  std::vector<int> got;
  for (int i = 0; i < 7; ++i) got.push_back(login_from("127.0.4.20", email, "guess").status);
  BOOST_CHECK((got == std::vector<int>{401, 401, 401, 401, 401, 429, 429}));
}

BOOST_AUTO_TEST_CASE(one_address_spraying_many_accounts_is_throttled) {
  std::vector<int> got;
  for (int i = 0; i < 22; ++i)
    got.push_back(login_from("127.0.4.30", unique("spray") + "@example.com", "guess").status);
  BOOST_CHECK_EQUAL(std::count(got.begin(), got.begin() + 20, 401), 20);
  BOOST_CHECK_EQUAL(got[20], 429);
  BOOST_CHECK_EQUAL(got[21], 429);
}

// Guesses spread over many addresses: after 20 account-wide failures a new address waits, but an address the
// agent has logged in from keeps working (the lock cannot be turned against the agent where it works).
BOOST_AUTO_TEST_CASE(distributed_guessing_slows_new_addresses_but_not_the_agents_own) {
  const std::string email = unique("spread") + "@example.com";
  const std::string password = "spread-real-password";
  hlt::create_agent(server(), email, password);
  Raw first = login_from("127.0.7.1", email, password);
  BOOST_REQUIRE_MESSAGE(first.status == 200, describe(first));
  for (int i = 0; i < 20; ++i) {
    Raw r = login_from("127.0.7." + std::to_string(10 + i), email, "guess");
    BOOST_CHECK_MESSAGE(r.status == 401, i << ": " << describe(r));
  }
  Raw fresh = login_from("127.0.7.50", email, password);
  BOOST_CHECK_EQUAL(fresh.status, 429);
  BOOST_CHECK_GE(std::atoi(fresh.header("retry-after").c_str()), 1);
  Raw own = login_from("127.0.7.1", email, password);
  BOOST_CHECK_MESSAGE(own.status == 200, describe(own));
  // The agent's login does not hand the guessers a fresh budget.
  BOOST_CHECK_EQUAL(login_from("127.0.7.51", email, "guess").status, 429);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ids_of_others)

// Before the fix: 409 conflict, which told the caller that someone else had a ticket (or message) with that
// id.
BOOST_AUTO_TEST_CASE(a_ticket_or_message_id_of_someone_else_is_404_and_an_own_one_409) {
  Device a(server());
  Device b(server());
  const std::string tid = unique("t-taken");
  const std::string tbody = R"({"id":)" + q(tid) + R"(,"subject":"s","body":"b"})";
  REQUIRE_STATUS(a.http.post("/v1/tickets", tbody), 201);
  CHECK_ERROR(b.http.post("/v1/tickets", tbody), 404, "not_found");
  CHECK_ERROR(a.http.post("/v1/tickets", tbody), 409, "conflict");

  const std::string a_ticket = a.new_ticket();
  const std::string b_ticket = b.new_ticket();
  const std::string mid = unique("m-taken");
  const std::string mbody = R"({"id":)" + q(mid) + R"(,"body":"hello"})";
  REQUIRE_STATUS(a.http.post("/v1/tickets/" + a_ticket + "/messages", mbody), 201);
  CHECK_ERROR(b.http.post("/v1/tickets/" + b_ticket + "/messages", mbody), 404, "not_found");
  CHECK_ERROR(a.http.post("/v1/tickets/" + a_ticket + "/messages", mbody), 409, "conflict");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(console_files)

// Before the fix: a directory answered 200 with an empty body, and a link out of the directory was followed.
BOOST_AUTO_TEST_CASE(only_regular_files_inside_the_console_directory_are_served) {
  TempDir dir("helpline-console-");
  const auto root = dir / "console";
  std::filesystem::create_directories(root / "js");
  write_file(root / "index.html", "<title>Helpline console</title>");
  write_file(root / "js" / "app.js", "console.log(1);");
  write_file(dir / "secret.txt", "outside the console");
  std::filesystem::create_symlink(dir / "secret.txt", root / "leak.txt");
  std::filesystem::create_directory_symlink(dir.path(), root / "up");
  ServerConfig config;
  config.extra_args = {"--console-dir", root.string()};
  ServerProcess own(config);
  HttpClient http(own.base_url());
  CHECK_STATUS(http.get("/console/"), 200);
  CHECK_STATUS(http.get("/console/js/app.js"), 200);
  for (const char *path : {"/console/js", "/console/js/", "/console/leak.txt", "/console/up/secret.txt",
                           "/console/up", "/console/js/..%2f..%2fsecret.txt"}) {
    const auto r = http.get(path);
    BOOST_CHECK_MESSAGE(r.status == 404, path << ": " << r.describe());
    BOOST_CHECK_MESSAGE(r.body.find("outside the console") == std::string::npos, path);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(console_cookies)

bool secure_cookie(const Raw &r) {
  auto it = r.headers.find("set-cookie");
  return it != r.headers.end() && it->second.find("; Secure") != std::string::npos;
}

// Before the fix: the flag followed the Host header, so a proxy forwarding "Host: 127.0.0.1" dropped it.
BOOST_AUTO_TEST_CASE(cookies_are_secure_unless_the_browser_is_on_plain_http_on_this_machine) {
  const std::string email = unique("cookie") + "@example.com";
  hlt::create_agent(server(), email, "cookie-password");
  const std::string cookie = R"(,"session":"cookie")";
  Raw local = login_from("127.0.5.2", email, "cookie-password", cookie);
  BOOST_REQUIRE_MESSAGE(local.status == 200, describe(local));
  BOOST_CHECK(!secure_cookie(local));
  // A loopback peer that forwards for someone is a proxy nobody configured: Secure, whatever Host says.
  Raw proxied = login_from("127.0.5.2", email, "cookie-password", cookie,
                           {{"X-Forwarded-For", "203.0.113.7"}, {"Host", "127.0.0.1"}});
  BOOST_REQUIRE_MESSAGE(proxied.status == 200, describe(proxied));
  BOOST_CHECK(secure_cookie(proxied));
  // A browser on this machine asks for 127.0.0.1 or localhost: another host name means a proxy in front.
  Raw named = login_from("127.0.5.2", email, "cookie-password", cookie, {{"Host", "support.example.com"}});
  BOOST_REQUIRE_MESSAGE(named.status == 200, describe(named));
  BOOST_CHECK(secure_cookie(named));
  Raw localhost = login_from("127.0.5.2", email, "cookie-password", cookie, {{"Host", "localhost:8787"}});
  BOOST_REQUIRE_MESSAGE(localhost.status == 200, describe(localhost));
  BOOST_CHECK(!secure_cookie(localhost));
}

BOOST_AUTO_TEST_CASE(behind_a_trusted_proxy_x_forwarded_proto_and_for_are_believed) {
  ServerProcess own(ServerConfig{}, false);
  std::string json = read_file(own.config_path());
  BOOST_REQUIRE(!json.empty() && json.front() == '{');
  write_file(own.config_path(), R"({"trusted_proxies": ["127.0.6.1"], )" + json.substr(1));
  own.start();
  const std::string email = unique("proxied") + "@example.com";
  hlt::create_agent(own, email, "proxied-password");
  const Headers app{{"X-Helpline-App-Key", kAppKey}};
  auto login = [&](const std::string &source, const std::string &password, const Headers &extra) {
    Headers h = app;
    for (const auto &p : extra) h.push_back(p);
    return http_from(source, own.port(), "POST", "/v1/agent/login",
                     R"({"email":)" + q(email) + R"(,"password":)" + q(password) + R"(,"session":"cookie"})",
                     h);
  };
  Raw https = login("127.0.6.1", "proxied-password", {{"X-Forwarded-Proto", "https"}});
  BOOST_REQUIRE_MESSAGE(https.status == 200, describe(https));
  BOOST_CHECK(secure_cookie(https));
  Raw plain = login("127.0.6.1", "proxied-password", {{"X-Forwarded-Proto", "http"}});
  BOOST_REQUIRE_MESSAGE(plain.status == 200, describe(plain));
  BOOST_CHECK(!secure_cookie(plain));
  Raw unsaid = login("127.0.6.1", "proxied-password", {});
  BOOST_REQUIRE_MESSAGE(unsaid.status == 200, describe(unsaid));
  BOOST_CHECK(secure_cookie(unsaid));
  // An untrusted peer cannot claim plain HTTP through the header.
  Raw forged = login("127.0.6.2", "proxied-password", {{"X-Forwarded-Proto", "http"}});
  BOOST_REQUIRE_MESSAGE(forged.status == 200, describe(forged));
  BOOST_CHECK(secure_cookie(forged));
  // The throttle counts the client the proxy names, not the proxy: one client's guesses do not lock out
  // another client behind the same proxy.
  for (int i = 0; i < 6; ++i) login("127.0.6.1", "wrong", {{"X-Forwarded-For", "198.51.100.1"}});
  BOOST_CHECK_EQUAL(login("127.0.6.1", "wrong", {{"X-Forwarded-For", "198.51.100.1"}}).status, 429);
  Raw other = login("127.0.6.1", "proxied-password", {{"X-Forwarded-For", "198.51.100.2"}});
  BOOST_CHECK_MESSAGE(other.status == 200, describe(other));
  // A client-supplied X-Forwarded-For left of the proxy's entry changes nothing.
  BOOST_CHECK_EQUAL(
      login("127.0.6.1", "proxied-password", {{"X-Forwarded-For", "10.9.9.9, 198.51.100.1"}}).status, 429);
}

BOOST_AUTO_TEST_SUITE_END()
