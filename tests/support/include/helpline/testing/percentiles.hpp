#pragma once
// Percentiles of timing samples, for the benchmarks' reports.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace helpline::testing {

/// The sample at rank p * n (p in [0, 1]) of `v`; 0 for no samples.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Stats {
  double p50 = 0, p99 = 0, p999 = 0, max = 0;
};

/// p50, p99, p99.9 (nearest rank over n - 1) and the maximum of `v`; all 0 for no samples.
inline Stats stats_of(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
  };
  return {at(0.50), at(0.99), at(0.999), v.back()};
}

}  // namespace helpline::testing
