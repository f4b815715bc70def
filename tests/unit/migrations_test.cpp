// The store's migrations are frozen text: a migration that has shipped never changes (a store migrated
// by an older SDK must end up exactly like a fresh one). Each migration's SQL is checked against the
// fingerprint (64-bit FNV-1a) it shipped with; changing the catalog or the outbox later means adding a
// migration and its fingerprint, never editing one.
#define BOOST_TEST_MODULE helpline_migrations
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <string>

#include "store/schema.hpp"

namespace {

uint64_t fnv1a(const char *text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = text; *p != '\0'; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 0x100000001b3ull;
  }
  return h;
}

// One entry per shipped schema version (index: the version migrated from).
constexpr uint64_t kShipped[] = {
    0x90d42c364bdfefc6ull,  // 0 -> 1: meta, outbox, totals, dead letters
    0xb651d08736242741ull,  // 1 -> 2: tickets, messages, attachments, identities
    0x6bd82b3486dba6c6ull,  // 2 -> 3: notices
    0x55e659b378c1ab2eull,  // 3 -> 4: the offline FAQ catalog
    0xb20aea1488ded3e1ull,  // 4 -> 5: the FAQ index stemmed per language, forms, query expansions
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_schema_version_has_one_migration) {
  for (int v = 0; v < helpline::detail::kSchemaVersion; ++v) {
    BOOST_TEST_INFO("migration from version " << v);
    BOOST_REQUIRE(helpline::detail::migration_sql(v) != nullptr);
    BOOST_CHECK(std::strlen(helpline::detail::migration_sql(v)) > 0);
  }
  BOOST_CHECK(helpline::detail::migration_sql(helpline::detail::kSchemaVersion) == nullptr);
  BOOST_CHECK(helpline::detail::migration_sql(-1) == nullptr);
}

BOOST_AUTO_TEST_CASE(shipped_migrations_are_unchanged) {
  constexpr int shipped = static_cast<int>(sizeof(kShipped) / sizeof(kShipped[0]));
  BOOST_REQUIRE_LE(shipped, helpline::detail::kSchemaVersion);
  for (int v = 0; v < shipped; ++v) {
    BOOST_TEST_INFO("migration from version " << v << " was edited after it shipped; add a new one instead");
    BOOST_CHECK_EQUAL(fnv1a(helpline::detail::migration_sql(v)), kShipped[v]);
  }
}

BOOST_AUTO_TEST_CASE(a_new_schema_version_adds_its_fingerprint) {
  // A migration added without its fingerprint here would not be protected once it ships.
  constexpr int shipped = static_cast<int>(sizeof(kShipped) / sizeof(kShipped[0]));
  BOOST_CHECK_EQUAL(shipped, helpline::detail::kSchemaVersion);
}
