// Device facts read from Linux (/proc, /sys, statvfs, uname): what a support agent wants to see
// next to a diagnostic or a ticket. Every reader tolerates a missing file (containers, minimal
// firmware images) by leaving the field out. Called on the SDK worker only (it reads files).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::detail::platform {

struct NetInterface {
  std::string name;
  bool up = false;
};

struct DeviceFacts {
  std::string os, os_version, arch;
  std::optional<int64_t> cpu_count;
  std::string cpu_model;
  std::optional<double> load_1m;
  std::optional<int64_t> mem_total_bytes, mem_available_bytes;
  std::optional<int64_t> disk_total_bytes, disk_free_bytes;  // of the file system holding `path`
  std::optional<int64_t> uptime_s;
  std::optional<int64_t> process_rss_bytes;
  std::vector<NetInterface> interfaces;  // loopback excluded
};

// `path`: a directory on the file system whose free space matters (the SDK's data_dir).
DeviceFacts collect_device_facts(const std::string &path);

}  // namespace helpline::detail::platform
