#include "load_run.hpp"

#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "helpline/testing/json.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::bench {
namespace {

/// A Lua string literal: Lua escapes quotes and backslashes as JSON does.
std::string lua_string(const std::string &s) {
  return testing::q(s);
}

/// The wrk script: request number c (per thread: tid-1, tid-1+T, ...) goes to device c % D with body c % B,
/// so with D and B coprime, (device, body) pairs - and so (device, idempotency key) pairs - repeat only after
/// D x B requests.
std::string script_for(const LoadSpec &spec, const std::vector<std::filesystem::path> &body_files,
                       int threads) {
  std::ostringstream lua;
  lua << "local bodies = {}\n";
  for (const auto &f : body_files) {
    lua << "do local f = assert(io.open(" << lua_string(f.string()) << ", \"rb\"))\n"
        << "  bodies[#bodies + 1] = f:read(\"*a\"); f:close() end\n";
  }
  lua << "local base = {}\n";
  for (const auto &[k, v] : spec.headers) lua << "base[" << lua_string(k) << "] = " << lua_string(v) << "\n";
  lua << "local devices = {";
  for (const auto &d : spec.devices) lua << lua_string(d) << ",";
  lua << "}\nlocal paths = {";
  for (const auto &d : spec.device_paths) lua << lua_string(d) << ",";
  lua << "}\n"
      << "local device_header = " << lua_string(spec.device_header) << "\n"
      << "local threads = 0\n"
      << "function setup(thread) thread:set(\"tid\", threads); threads = threads + 1 end\n"
      << "local counter = nil\n"
      << "request = function()\n"
      << "  if counter == nil then counter = tid else counter = counter + " << threads << " end\n"
      << "  local h = {}\n"
      << "  for k, v in pairs(base) do h[k] = v end\n"
      << "  local path = " << lua_string(spec.path) << "\n"
      << "  if #devices > 0 then\n"
      << "    local d = (counter % #devices) + 1\n"
      << "    h[device_header] = devices[d]\n"
      << "    if #paths > 0 then path = paths[d] end\n"
      << "  end\n"
      << "  local b = nil\n"
      << "  if #bodies > 0 then b = bodies[(counter % #bodies) + 1] end\n"
      << "  return wrk.format(" << lua_string(spec.method) << ", path, h, b)\n"
      << "end\n";
  return lua.str();
}

long long match_ll(const std::string &text, const std::regex &re, int group = 1) {
  std::smatch m;
  return std::regex_search(text, m, re) ? std::stoll(m[group].str()) : 0;
}

}  // namespace

std::string find_wrk() {
  for (const char *p : {"/usr/bin/wrk", "/usr/local/bin/wrk"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

LoadResult run_load(const std::string &wrk, const std::string &base_url, const LoadSpec &spec,
                    const LoadParams &params, const std::filesystem::path &work) {
  std::string slug;
  for (char c : spec.name) slug += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  std::vector<std::filesystem::path> body_files;
  for (std::size_t i = 0; i < spec.bodies.size(); ++i) {
    body_files.push_back(work / (slug + "." + std::to_string(i) + ".body"));
    testing::write_file(body_files.back(), spec.bodies[i]);
  }
  const auto script_file = work / (slug + ".lua");
  testing::write_file(script_file, script_for(spec, body_files, params.threads));

  const std::string cmd = wrk + " --latency -t" + std::to_string(params.threads) + " -c" +
                          std::to_string(params.connections) + " -d" + std::to_string(params.seconds) +
                          "s -s " + script_file.string() + " " + base_url + spec.path + " 2>&1";
  LoadResult r;
  FILE *pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + cmd);
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.raw.append(buf.data(), n);
  const int rc = ::pclose(pipe);
  if (rc != 0) throw std::runtime_error("wrk failed (" + std::to_string(rc) + "): " + r.raw);

  std::smatch m;
  if (std::regex_search(r.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    r.requests_per_second = std::stod(m[1].str());
  }
  r.requests = match_ll(r.raw, std::regex(R"((\d+) requests in)"));
  r.non_2xx = match_ll(r.raw, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))"));
  if (std::regex_search(
          r.raw, m, std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"))) {
    for (int i = 1; i <= 4; ++i) r.socket_errors += std::stoll(m[i].str());
  }
  if (std::regex_search(r.raw, m, std::regex(R"(Latency\s+(\S+))"))) r.latency_avg = m[1].str();
  if (std::regex_search(r.raw, m, std::regex(R"(99%\s+(\S+))"))) r.latency_p99 = m[1].str();
  return r;
}

}  // namespace helpline::bench
