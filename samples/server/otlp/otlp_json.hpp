// Diagnostics as OTLP/HTTP JSON (protocol.md 18.2): ExportLogsServiceRequest and ExportMetricsServiceRequest
// bodies following the OTLP JSON mapping (lowerCamelCase field names, 64-bit integers as decimal strings,
// enums as numbers, AnyValue objects for attribute values). Pure: no I/O.
#pragma once
#include "store/store.hpp"

#include <string>
#include <vector>

namespace helpline::server {

// One device's diagnostics of one app: a resource (service.name = app key, device.id, os, model, ...).
struct OtlpDevice {
  std::string app_key;
  std::string device_id;
  std::string attrs_json;  // PUT /v1/device document ("" if unknown)
  std::vector<const DiagnosticRecord *> items;
};

// Every item except metrics (heartbeats and metric items) becomes a log record. "" when there are none.
std::string otlp_logs_request(const std::vector<OtlpDevice> &devices, size_t &records);
// Heartbeat gauges -> gauge points, heartbeat counters -> delta sums, metric items -> gauge points.
std::string otlp_metrics_request(const std::vector<OtlpDevice> &devices, size_t &points);
// OTLP SeverityNumber (1..24) for a diagnostics level (9 = INFO when absent or unknown).
int otlp_severity(const std::optional<std::string> &level);

}  // namespace helpline::server
