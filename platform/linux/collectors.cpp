#include "linux/collectors.hpp"

#include <dirent.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "posix/device_info.hpp"

namespace helpline::detail::platform {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE *)>;

File open_file(const std::string &path) {
  return File(std::fopen(path.c_str(), "re"), std::fclose);
}

std::string first_line(const std::string &path) {
  File f = open_file(path);
  if (!f) return std::string();
  char buf[256];
  if (std::fgets(buf, sizeof buf, f.get()) == nullptr) return std::string();
  std::string s(buf);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "MemTotal:       16318412 kB" -> bytes, for the two keys we use.
void read_meminfo(DeviceFacts &f) {
  File file = open_file("/proc/meminfo");
  if (!file) return;
  char line[256];
  while (std::fgets(line, sizeof line, file.get()) != nullptr) {
    long long kb = 0;
    if (std::sscanf(line, "MemTotal: %lld kB", &kb) == 1) f.mem_total_bytes = kb * 1024;
    if (std::sscanf(line, "MemAvailable: %lld kB", &kb) == 1) f.mem_available_bytes = kb * 1024;
  }
}

void read_cpu(DeviceFacts &f) {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (n > 0) f.cpu_count = n;
  File file = open_file("/proc/cpuinfo");
  if (file) {
    char line[512];
    while (std::fgets(line, sizeof line, file.get()) != nullptr) {
      if (std::strncmp(line, "model name", 10) == 0 || std::strncmp(line, "Model", 5) == 0) {
        const char *colon = std::strchr(line, ':');
        if (colon != nullptr) {
          f.cpu_model = colon + 2;
          while (!f.cpu_model.empty() && f.cpu_model.back() == '\n') f.cpu_model.pop_back();
          break;
        }
      }
    }
  }
  double load[1];
  if (::getloadavg(load, 1) == 1) f.load_1m = load[0];
}

void read_interfaces(DeviceFacts &f) {
  std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir("/sys/class/net"), ::closedir);
  if (!dir) return;
  while (dirent *e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == "lo") continue;
    std::string state = first_line("/sys/class/net/" + name + "/operstate");
    f.interfaces.push_back(NetInterface{name, state == "up" || state == "unknown"});
  }
}

}  // namespace

DeviceFacts collect_device_facts(const std::string &path) {
  DeviceFacts f;
  OsInfo os = read_os_info();
  f.os = os.os;
  f.os_version = os.os_version;
  f.arch = os.arch;
  read_cpu(f);
  read_meminfo(f);
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) == 0) {
    f.disk_total_bytes = static_cast<int64_t>(vfs.f_blocks) * static_cast<int64_t>(vfs.f_frsize);
    f.disk_free_bytes = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
  }
  std::string uptime = first_line("/proc/uptime");
  if (!uptime.empty()) f.uptime_s = static_cast<int64_t>(std::strtod(uptime.c_str(), nullptr));
  std::string statm = first_line("/proc/self/statm");
  long long pages_total = 0, pages_rss = 0;
  if (std::sscanf(statm.c_str(), "%lld %lld", &pages_total, &pages_rss) == 2) {
    f.process_rss_bytes = pages_rss * ::sysconf(_SC_PAGESIZE);
  }
  read_interfaces(f);
  return f;
}

}  // namespace helpline::detail::platform
