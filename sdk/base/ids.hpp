// Client-generated identifiers: UUIDv7 (RFC 9562), time-ordered so ids sort by creation.
#pragma once

#include <string>

namespace helpline::detail {

// A new UUIDv7 in canonical lowercase form, e.g. "01936f0e-8a4b-7c3d-9e2f-0123456789ab".
std::string new_uuid_v7();

// A new secret: 32 random bytes as 64 lowercase hex characters (a device's proof of its id).
std::string new_secret();

}  // namespace helpline::detail
