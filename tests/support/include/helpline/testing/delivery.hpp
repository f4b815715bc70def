#pragma once
// What the SDK delivered: items marked with a run name and a sequence number, sent through the SDK and
// counted on the server's database, the server's access log, and an endpoint where nothing listens.
//
// Header-only: calls the SDK's C API (see sdk.hpp).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/digest.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/sqlite_query.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::testing {

/// How many times each survey comment starting with `prefix` is on the server.
inline std::map<std::string, int> surveys_on_server(const ServerProcess &server, const std::string &prefix) {
  std::map<std::string, int> out;
  for (const auto &row :
       query(server.db_path(),
             "SELECT comment, count(*) FROM surveys WHERE substr(comment, 1, length(?1)) = ?1 "
             "GROUP BY comment",
             {prefix})) {
    out[row[0].substr(0, row[0].find('|'))] += std::stoi(row[1]);  // "|..." is padding
  }
  return out;
}

/// How many times each diagnostics item with attributes {"run": run, "seq": n} is on the server, by n.
inline std::map<long long, int> diagnostics_on_server(const ServerProcess &server, const std::string &run) {
  std::map<long long, int> out;
  for (const auto &row : query(server.db_path(),
                               "SELECT json_extract(attributes, '$.seq'), count(*) FROM diagnostics "
                               "WHERE json_extract(attributes, '$.run') = ?1 GROUP BY 1",
                               {run})) {
    out[std::stoll(row[0])] = std::stoi(row[1]);
  }
  return out;
}

inline std::string survey_comment(const std::string &run, long long seq) {
  return run + "#" + std::to_string(seq);
}
inline std::string diag_attributes(const std::string &run, long long seq, const std::string &pad = "") {
  std::string j = "{\"run\":\"" + run + "\",\"seq\":" + std::to_string(seq);
  if (!pad.empty()) j += ",\"pad\":\"" + pad + "\"";
  return j + "}";
}

/// Submits a survey whose comment marks it, retrying while the hand-off queue is busy.
inline helpline_status_t submit_survey(helpline_t *h, const std::string &run, long long seq,
                                       const char *ticket_id = nullptr, const std::string &pad = "") {
  const std::string comment = survey_comment(run, seq) + (pad.empty() ? "" : "|" + pad);
  helpline_status_t s;
  while ((s = helpline_survey_submit(h, HELPLINE_SURVEY_NPS, static_cast<int>(seq % 11), ticket_id,
                                     comment.c_str())) == HELPLINE_E_BUSY) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s;
}

/// Sends a diagnostics item whose attributes mark it, retrying while the hand-off queue is busy.
inline helpline_status_t send_diagnostic(helpline_t *h, const std::string &run, long long seq,
                                         const std::string &pad = "") {
  const std::string attrs = diag_attributes(run, seq, pad);
  helpline_status_t s;
  while ((s = helpline_diagnostics_send(h, "test_event", attrs.c_str())) == HELPLINE_E_BUSY) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s;
}

/// Access-log lines (JSON, one per request) in `log` for device `device` of app kAppKey (empty: any; the log
/// names it by its pseudonym, log_device) and path `path`.
inline std::vector<std::string> access_log_lines(const std::filesystem::path &log, const std::string &device,
                                                 const std::string &path) {
  std::vector<std::string> out;
  const std::string text = read_file_if_exists(log);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("\"path\":\"" + path + "\"") == std::string::npos) continue;
    if (!device.empty() &&
        line.find("\"device\":\"" + log_device(device, kAppKey) + "\"") == std::string::npos)
      continue;
    out.push_back(line);
  }
  return out;
}

/// An endpoint where nothing listens (a port we bound and closed; connections are refused at once).
inline std::string closed_endpoint() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("closed_endpoint: cannot bind 127.0.0.1:0");
  }
  ::close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

}  // namespace helpline::testing
