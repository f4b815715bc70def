/*
 * helpline.h — the C interface of libhelpline, the embeddable customer-support SDK.
 *
 * This is the only header a C host needs. It is valid C99 and C++.
 *
 * Conventions (see docs/ABI.md):
 *  - Every fallible call returns helpline_status_t: HELPLINE_OK (0) or a named error code;
 *    helpline_status_str() names it and helpline_last_error() gives a human message for the
 *    calling thread.
 *  - Handles are opaque. A closed handle stays safe to pass: calls on it return
 *    HELPLINE_E_CLOSED, never crash (handles are never reused within a process).
 *  - Strings are UTF-8 and NUL-terminated; invalid UTF-8 is rejected with HELPLINE_E_INVALID_UTF8.
 *  - Memory returned through an out-parameter is owned by the caller and freed with helpline_free().
 *  - Every function may be called from any thread unless its comment says otherwise.
 *  - Public calls never wait on disk or network, except helpline_flush() and helpline_close(),
 *    which wait at most the timeout given, and helpline_open(), which opens the local store.
 */
#ifndef HELPLINE_H
#define HELPLINE_H

#include <stddef.h>
#include <stdint.h>

#include "helpline/helpline_export.h"
#include "helpline/helpline_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Status codes                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Result of every fallible call. 0 is success; errors are negative. Values never change. */
typedef int32_t helpline_status_t;

/**
 * Every status code, once: X(name, value, message) gives the constant's name, its value (which
 * never changes) and a short human message. The enum below and helpline_status_str() are expanded
 * from this one list, so a code can never lack a name. Hosts may expand it too, e.g. to map codes
 * to their own errors. New codes are only ever added.
 */
#define HELPLINE_STATUS_MAP(X)                                                                 \
  X(HELPLINE_OK, 0, "success")                                                                 \
  X(HELPLINE_E_INVALID_ARGUMENT, -1, "NULL, empty or out-of-range argument")                   \
  X(HELPLINE_E_INVALID_UTF8, -2, "a string argument is not valid UTF-8")                       \
  X(HELPLINE_E_TOO_LARGE, -3, "a payload exceeds its documented cap")                          \
  X(HELPLINE_E_NO_MEMORY, -4, "an allocation failed")                                          \
  X(HELPLINE_E_IO, -5, "file-system error (permissions, not a directory...)")                  \
  X(HELPLINE_E_STORE, -6, "the local SQLite store failed")                                     \
  X(HELPLINE_E_INCOMPATIBLE_STORE, -7, "the store was written by a newer SDK; left untouched") \
  X(HELPLINE_E_LOCKED, -8, "data_dir is in use by another open helpline_t")                    \
  X(HELPLINE_E_CLOSED, -9, "the handle is closed or closing")                                  \
  X(HELPLINE_E_TIMEOUT, -10, "the wait ended before the work was done")                        \
  X(HELPLINE_E_NOT_FOUND, -11, "no such item")                                                 \
  X(HELPLINE_E_NETWORK, -12, "network failure (reported in events and stats)")                 \
  X(HELPLINE_E_SERVER, -13, "the server answered with an error")                               \
  X(HELPLINE_E_DISK_FULL, -14, "the disk or the storage limit is full")                        \
  X(HELPLINE_E_NO_CONSENT, -15, "the user has not consented to this kind of data")             \
  X(HELPLINE_E_INVALID_STATE, -16, "not allowed now (e.g. close from inside a callback)")      \
  X(HELPLINE_E_INVALID_JSON, -17, "a JSON argument does not parse or has wrong types")         \
  X(HELPLINE_E_BUSY, -18, "the in-memory hand-off queue is full; retry shortly")               \
  X(HELPLINE_E_INTERNAL, -99, "a bug in libhelpline; the message says where")

/* The trailing comma this leaves in the enumerator list is valid C99 and C++11. */
#define HELPLINE_STATUS_ENUMERATOR_(name, value, message) name = value,
enum { HELPLINE_STATUS_MAP(HELPLINE_STATUS_ENUMERATOR_) };
#undef HELPLINE_STATUS_ENUMERATOR_

/**
 * Returns the constant name of a status ("HELPLINE_E_LOCKED"), or "HELPLINE_E_UNKNOWN".
 * Thread-safe; the returned string is static and must not be freed.
 */
HELPLINE_API const char *helpline_status_str(helpline_status_t s);

/* ------------------------------------------------------------------------------------------ */
/* Version, memory, errors                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * Runtime version of the loaded library as HELPLINE_VERSION_NUMBER encodes it:
 * (major << 16) | (minor << 8) | patch. Compare with HELPLINE_VERSION_NUMBER to detect a
 * header/library mismatch. Thread-safe; never fails.
 */
HELPLINE_API uint32_t helpline_version(void);

/** Runtime version as a static string, e.g. "0.1.0". Thread-safe; do not free. */
HELPLINE_API const char *helpline_version_string(void);

/**
 * Frees memory that libhelpline returned through an out-parameter (IDs, JSON documents).
 * NULL is accepted and ignored. Thread-safe.
 */
HELPLINE_API void helpline_free(void *p);

typedef struct helpline_s helpline_t;                 /**< An open SDK instance. */
typedef struct helpline_options_s helpline_options_t; /**< Settings consumed by helpline_open. */

/**
 * Human-readable message for the last error returned to the calling thread by any helpline_*
 * call (h may be NULL). Returns "" when the thread has seen no error. The pointer stays valid
 * until the next helpline_* call on the same thread; do not free it.
 */
HELPLINE_API const char *helpline_last_error(const helpline_t *h);

/* ------------------------------------------------------------------------------------------ */
/* Events and logging                                                                          */
/* ------------------------------------------------------------------------------------------ */

/** Kinds of events. New kinds are only ever added; hosts must ignore kinds they don't know. */
typedef int32_t helpline_event_type_t;
enum {
  /** The store was unreadable and moved aside; JSON: {"moved_to": path, "reason": text}. */
  HELPLINE_EVENT_STORE_RECOVERED = 1,
  /** Events were lost because the dispatch queue was full; JSON: {"lost": n}. */
  HELPLINE_EVENT_EVENTS_LOST = 2,
  /** The instance finished opening its store; JSON: {"data_dir": path, "schema_version": n}. */
  HELPLINE_EVENT_OPENED = 3,
  /**
   * The server refused an item for good (4xx other than 408/429); it was moved to the dead-letter
   * table. JSON: {"kind", "idempotency_key", "http_status", "error": {"code", "message"}}.
   */
  HELPLINE_EVENT_DEAD_LETTER = 4,
  /**
   * Queued items were dropped. JSON: {"dropped": n, "reason": "storage_limit" | "consent_revoked"}.
   * Only diagnostics and other low-priority items are ever dropped; tickets and messages are not.
   */
  HELPLINE_EVENT_DROPPED = 5,
  /** Committing accepted items to disk failed (e.g. disk full); they are kept in memory and
   *  retried. JSON: {"status": "HELPLINE_E_DISK_FULL", "message": text, "pending": n}. */
  HELPLINE_EVENT_STORE_ERROR = 6,
  /** Something new from the server (GET /v1/sync). JSON: {"seq", "type", "created_at", "data"}
   *  exactly as docs/protocol.md section 13 describes the item. */
  HELPLINE_EVENT_SYNC_ITEM = 7,
  /** Delivery state changed. JSON: {"online": bool, "error": text|null, "retry_in_ms": n}. */
  HELPLINE_EVENT_CONNECTIVITY = 8,
  /** A message arrived from the server (agent reply, system message, or the user's own message
   *  written on another device) and is in the local view.
   *  JSON: {"ticket_id", "message": message object as in helpline_ticket_messages_json}. */
  HELPLINE_EVENT_MESSAGE = 9,
  /** A ticket's status changed on the server (agent, system, or the user on another device).
   *  JSON: {"ticket_id", "status", "previous_status", "changed_by"}. */
  HELPLINE_EVENT_TICKET_STATUS = 10,
  /** A ticket this device did not create appeared in the local view (created on another device
   *  of the identified user, or merged by helpline_identify).
   *  JSON: {"ticket": ticket object as in helpline_tickets_json}. */
  HELPLINE_EVENT_TICKET = 11,
  /** A ticket or message written on this device changed delivery state.
   *  JSON: {"ticket_id", "message_id", "delivery": "sent" | "failed", "error": {...} | null}
   *  (message_id is the ticket's first message for the ticket itself). */
  HELPLINE_EVENT_DELIVERY = 12,
  /** Attachment upload progress. JSON: {"attachment_id", "ticket_id", "state": "uploading" |
   *  "uploaded" | "failed", "bytes_sent", "size"}. "uploading" is reported at most every 100 ms. */
  HELPLINE_EVENT_ATTACHMENT = 13,
  /** Identity changes. JSON: {"state": "identified" | "merged" | "token_rejected" | "logged_out",
   *  "user_id", "merged_tickets" (merged only)}. "token_rejected": the server refused the identity
   *  token (e.g. expired); queued items wait until helpline_identify() gives a fresh one. */
  HELPLINE_EVENT_IDENTITY = 14,
  /** The server asks the app to show a survey (CSAT when a ticket was solved, NPS scheduled for
   *  this device). JSON: {"id", "kind": "csat" | "nps" | "ces", "ticket_id" | null, "reason":
   *  "ticket_solved" | "scheduled", "created_at"}. At most one per user (or anonymous device)
   *  within helpline_options_set_survey_prompt_interval; the others are not delivered. */
  HELPLINE_EVENT_SURVEY_PROMPT = 15,
  /** An agent asked this device for diagnostics. JSON: {"id", "ticket_id", "kinds", "message",
   *  "answered": bool}. answered is true when a fresh snapshot (with the host's logs, see
   *  helpline_options_set_log_provider) was queued; false without diagnostics consent (the request
   *  is answered if consent is granted while this instance is open). */
  HELPLINE_EVENT_DIAGNOSTICS_REQUEST = 16,
  /** A proactive notice for this device (new or updated). JSON: the notice {"id", "title", "body",
   *  "severity", "url", "faq_article_id", "starts_at", "ends_at", "updated_at", "state": "new" |
   *  "seen" | "dismissed"}. */
  HELPLINE_EVENT_NOTICE = 17,
  /** A notice was withdrawn by the support team. JSON: {"notice_id"}. */
  HELPLINE_EVENT_NOTICE_WITHDRAWN = 18,
  /** An on-device rule fired and a proactive diagnostic was queued. JSON: {"rule_id", "kind",
   *  "metric", "op", "threshold", "value"}. */
  HELPLINE_EVENT_RULE_FIRED = 19,
  /** The offline FAQ changed (synced from the server). JSON: {"full": bool, "upserted", "deleted"}. */
  HELPLINE_EVENT_FAQ_UPDATED = 20,
  /** The user's data was erased. JSON: {"state": "local" | "server", "request_id", "origin"}.
   *  "local": every local trace is gone from data_dir; origin "app" (helpline_erase_all()) or
   *  "server" (the user was erased from another device or by the support team); request_id is
   *  null when nothing new was asked of the server. "server": the server confirmed the request
   *  request_id (it holds nothing of the user any more; no origin). */
  HELPLINE_EVENT_ERASED = 21,
  /** The answer to helpline_export_request(). JSON: {"request_id", "export": the export document
   *  (docs/protocol.md, "Export")}. */
  HELPLINE_EVENT_EXPORT = 22
};

/**
 * Receives one event. `json` is a UTF-8 JSON object valid only during the call.
 * Called on the SDK worker thread (HELPLINE_DELIVERY_WORKER) or on the thread calling
 * helpline_dispatch() (HELPLINE_DELIVERY_DISPATCH). It must not call helpline_close() on the
 * instance that called it (that returns HELPLINE_E_INVALID_STATE); other calls are allowed.
 */
typedef void (*helpline_event_cb)(void *user, helpline_event_type_t type, const char *json);

/** Where events are delivered. */
typedef int32_t helpline_delivery_t;
enum {
  HELPLINE_DELIVERY_WORKER = 0,  /**< Callback runs on the SDK worker thread (default). */
  HELPLINE_DELIVERY_DISPATCH = 1 /**< Events wait in a bounded queue for helpline_dispatch(). */
};

typedef int32_t helpline_log_level_t;
enum {
  HELPLINE_LOG_DEBUG = 0,
  HELPLINE_LOG_INFO = 1,
  HELPLINE_LOG_WARN = 2,
  HELPLINE_LOG_ERROR = 3,
  HELPLINE_LOG_OFF = 4
};

/**
 * Receives one log line (UTF-8, no trailing newline, valid only during the call). Called on
 * whichever thread logs (host or worker): it must be thread-safe and must not block for long.
 */
typedef void (*helpline_log_cb)(void *user, helpline_log_level_t level, const char *message);

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * Creates an options object with defaults (no endpoint, no callbacks, worker delivery,
 * log level WARN). Returns NULL only when out of memory. Owned by the caller until passed to
 * helpline_open() (which consumes it) or helpline_options_free(). Not thread-safe: build it
 * on one thread.
 */
HELPLINE_API helpline_options_t *helpline_options_new(void);

/** Frees an options object that was not passed to helpline_open(). NULL is ignored. */
HELPLINE_API void helpline_options_free(helpline_options_t *o);

/**
 * Sets the server base URL, e.g. "https://support.example.com" (http:// is accepted for
 * loopback testing). The string is copied.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL, empty, not http(s)://),
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE (over 2048 bytes).
 */
HELPLINE_API helpline_status_t helpline_options_set_endpoint(helpline_options_t *o, const char *base_url);

/**
 * Sets the public app key sent to the server as X-Helpline-App-Key. The string is copied.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL or empty), HELPLINE_E_INVALID_UTF8,
 * HELPLINE_E_TOO_LARGE (over 256 bytes).
 */
HELPLINE_API helpline_status_t helpline_options_set_app_key(helpline_options_t *o, const char *app_key);

/**
 * Sets the directory that holds the SDK's files (required). It must be an absolute path; it is
 * created with mode 0700 if missing (one level; the parent must exist). The string is copied.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL, empty or relative path),
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE (over 4096 bytes).
 */
HELPLINE_API helpline_status_t helpline_options_set_data_dir(helpline_options_t *o, const char *path);

/**
 * Sets the event callback and its user pointer (cb may be NULL to clear it).
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL).
 */
HELPLINE_API helpline_status_t helpline_options_set_event_callback(helpline_options_t *o,
                                                                   helpline_event_cb cb, void *user);

/**
 * Chooses where events are delivered (see helpline_delivery_t). With HELPLINE_DELIVERY_DISPATCH
 * events wait (up to `queue_capacity`, 1..65536, default 1024; oldest dropped and counted when
 * full, followed by HELPLINE_EVENT_EVENTS_LOST) until the host calls helpline_dispatch().
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL, unknown mode, capacity range).
 */
HELPLINE_API helpline_status_t helpline_options_set_event_delivery(helpline_options_t *o,
                                                                   helpline_delivery_t mode,
                                                                   uint32_t queue_capacity);

/**
 * Sets the log callback, its user pointer and the minimum level passed to it (default WARN;
 * without a callback nothing is logged anywhere).
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL, level out of range).
 */
HELPLINE_API helpline_status_t helpline_options_set_log_callback(helpline_options_t *o, helpline_log_cb cb,
                                                                 void *user, helpline_log_level_t min_level);

/**
 * Caps the bytes of queued payloads kept on disk (default 64 MiB; minimum 64 KiB). When a new
 * item would exceed it, the oldest diagnostics (then surveys) are dropped, counted in stats
 * ("dropped") and reported by HELPLINE_EVENT_DROPPED. Tickets and messages are never dropped:
 * a call that would need to drop one returns HELPLINE_E_DISK_FULL instead.
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL, limit below 64 KiB).
 */
HELPLINE_API helpline_status_t helpline_options_set_storage_limit(helpline_options_t *o, uint64_t max_bytes);

/**
 * TLS settings of the built-in libcurl transport. `ca_file` (PEM bundle; NULL = system store)
 * and `pinned_public_key` (libcurl CURLOPT_PINNEDPUBLICKEY syntax, e.g. "sha256//base64";
 * NULL = no pinning). Verification of the peer and host name is always on.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (o NULL), HELPLINE_E_INVALID_UTF8,
 * HELPLINE_E_TOO_LARGE (a string over 4096 bytes).
 */
HELPLINE_API helpline_status_t helpline_options_set_tls(helpline_options_t *o, const char *ca_file,
                                                        const char *pinned_public_key);

/**
 * How long one inbound poll (GET /v1/sync) may wait on the server for news: 1..30 seconds
 * enables long-polling (default 25: one request, and one worker wake-up, per that many seconds
 * while online and idle); 0 disables background polling (the SDK then polls once at open and
 * whenever helpline_sync_now() is called: an idle SDK never wakes up).
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL, seconds over 30).
 */
HELPLINE_API helpline_status_t helpline_options_set_long_poll(helpline_options_t *o, uint32_t wait_seconds);

/**
 * Shortest time between two HELPLINE_EVENT_SURVEY_PROMPT events for the same user (or the anonymous
 * device): 0..31536000 seconds (a year); default 86400 (one day). Prompts the server sends within
 * it are dropped, so a user is never asked twice in a row.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (o NULL, out of range).
 */
HELPLINE_API helpline_status_t helpline_options_set_survey_prompt_interval(helpline_options_t *o,
                                                                           uint32_t seconds);

/* ------------------------------------------------------------------------------------------ */
/* Options: host transport                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** An outgoing HTTP request handed to a host transport. Valid only during the call. */
typedef struct helpline_http_request_s {
  uint32_t size;              /**< sizeof(helpline_http_request_t) of the library's build. */
  const char *method;         /**< "GET" or "POST". */
  const char *url;            /**< Absolute URL. */
  const char *const *headers; /**< header_count lines "Name: value". */
  size_t header_count;
  const void *body; /**< May be NULL when body_len is 0. */
  size_t body_len;
  uint32_t timeout_ms; /**< Give up after this long. */
} helpline_http_request_t;

/** Filled by a host transport through the helpline_http_response_* setters. */
typedef struct helpline_http_response_s helpline_http_response_t;

/**
 * A host-supplied HTTP stack (consoles, mobile platforms). Called on the SDK worker thread, one
 * request at a time; it must perform the request synchronously, fill `response` and return
 * HELPLINE_OK, or return HELPLINE_E_NETWORK when no HTTP response was received. While it runs
 * the worker does nothing else, so with a host transport long-polling is off (see
 * helpline_options_set_long_poll).
 */
typedef helpline_status_t (*helpline_transport_fn)(void *user, const helpline_http_request_t *request,
                                                   helpline_http_response_t *response);

/**
 * Replaces the built-in libcurl transport with `fn` (NULL restores libcurl).
 * Returns HELPLINE_OK or HELPLINE_E_INVALID_ARGUMENT (o NULL).
 */
HELPLINE_API helpline_status_t helpline_options_set_transport(helpline_options_t *o, helpline_transport_fn fn,
                                                              void *user);

/** Sets the HTTP status (100..599) of a host transport's response. */
HELPLINE_API helpline_status_t helpline_http_response_set_status(helpline_http_response_t *r, int status);
/** Appends body bytes (copied). */
HELPLINE_API helpline_status_t helpline_http_response_append_body(helpline_http_response_t *r,
                                                                  const void *data, size_t len);
/** Records a response header (copied); the SDK reads Retry-After and ETag. */
HELPLINE_API helpline_status_t helpline_http_response_set_header(helpline_http_response_t *r,
                                                                 const char *name, const char *value);

/* ------------------------------------------------------------------------------------------ */
/* Options: diagnostics (consent, redaction, before_send, host logs, heartbeat)                */
/* ------------------------------------------------------------------------------------------ */

/** Kinds of consent: helpline_set_consent(), helpline_options_set_consent_required(). */
typedef int32_t helpline_consent_t;
enum {
  HELPLINE_CONSENT_DIAGNOSTICS = 1 /**< Device diagnostics: events, breadcrumbs, metrics, snapshots. */
};

/** Scratch text a callback fills in (before_send replacement, log provider). */
typedef struct helpline_buffer_s helpline_buffer_t;
/** Replaces the buffer's text (copied). Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT,
 *  HELPLINE_E_TOO_LARGE (over 1 MiB). */
HELPLINE_API helpline_status_t helpline_buffer_set(helpline_buffer_t *b, const char *text);
/** Appends to the buffer's text (copied); same statuses. */
HELPLINE_API helpline_status_t helpline_buffer_append(helpline_buffer_t *b, const char *text);

enum { HELPLINE_SEND_KEEP = 0, HELPLINE_SEND_DROP = 1 };
/**
 * Sees every diagnostic before it is stored (after redaction): `payload_json` is the protocol item
 * (docs/protocol.md section 10). Return HELPLINE_SEND_DROP to discard it, or HELPLINE_SEND_KEEP;
 * to change it, put the complete new item (a JSON object) in `replacement` with helpline_buffer_set.
 * Runs on the thread producing the item: the caller of helpline_diagnostics_send, or the SDK worker
 * for heartbeats, rule firings and diagnostics requests. Must not call helpline_close.
 */
typedef int (*helpline_before_send_fn)(void *user, const char *payload_json, helpline_buffer_t *replacement);
HELPLINE_API helpline_status_t helpline_options_set_before_send(helpline_options_t *o,
                                                                helpline_before_send_fn fn, void *user);

/** Supplies recent logs for a diagnostics request (SDK worker thread; append at most 64 KiB). */
typedef void (*helpline_log_provider_fn)(void *user, helpline_buffer_t *logs);
HELPLINE_API helpline_status_t helpline_options_set_log_provider(helpline_options_t *o,
                                                                 helpline_log_provider_fn fn, void *user);

/**
 * Adds a redaction pattern (POSIX extended regular expression): matches in breadcrumbs, diagnostic
 * attributes and logs become "[redacted]". Built-in patterns (e-mail, IP addresses, runs of 9+
 * digits) are on unless turned off with helpline_options_set_builtin_redaction(o, 0).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL, does not compile, more than 32 patterns).
 */
HELPLINE_API helpline_status_t helpline_options_add_redaction_pattern(helpline_options_t *o,
                                                                      const char *posix_ere);
HELPLINE_API helpline_status_t helpline_options_set_builtin_redaction(helpline_options_t *o, int enabled);

/** Heartbeat interval for aggregated metrics: 10..86400 seconds, default 3600. No metrics, no
 *  heartbeat (and no wake-up). Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT. */
HELPLINE_API helpline_status_t helpline_options_set_heartbeat_interval(helpline_options_t *o,
                                                                       uint32_t seconds);

/** Declares that a consent is not required by this app (e.g. a managed device fleet): diagnostics
 *  are then recorded and sent without helpline_set_consent. Default: required.
 *  Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT. */
HELPLINE_API helpline_status_t helpline_options_set_consent_required(helpline_options_t *o,
                                                                     helpline_consent_t what, int required);

/* ------------------------------------------------------------------------------------------ */
/* Lifecycle                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Opens an SDK instance: creates data_dir (0700) if needed, takes an exclusive lock on it, opens
 * or creates the SQLite store (WAL, schema versioned by PRAGMA user_version, forward-only
 * migrations) and starts one worker thread. A store that is not a SQLite database is moved aside
 * as "helpline.db.corrupt-<unix time>", reported by HELPLINE_EVENT_STORE_RECOVERED and a log
 * line, and a fresh store is created. `o` is consumed (freed) in every case, even on error.
 * Blocks the calling thread for the store open only (typically well under a millisecond).
 *
 * Returns HELPLINE_OK and sets *out, or:
 *  HELPLINE_E_INVALID_ARGUMENT (o or out NULL; data_dir not set),
 *  HELPLINE_E_IO (data_dir is a file, cannot be created, or is not writable),
 *  HELPLINE_E_LOCKED (another open instance, in this or another process, uses data_dir),
 *  HELPLINE_E_INCOMPATIBLE_STORE (the store is from a newer SDK; it is left untouched),
 *  HELPLINE_E_STORE (SQLite failed otherwise), HELPLINE_E_NO_MEMORY, HELPLINE_E_INTERNAL.
 */
HELPLINE_API helpline_status_t helpline_open(helpline_options_t *o, helpline_t **out);

/**
 * Waits until every item accepted before this call is committed to the store and delivered
 * (or dead-lettered), every write request already on the wire (on any channel, the device
 * registration PUT /v1/device included; an attribute change still in its 200 ms coalescing window
 * is sent at once) has finished, and every event queued before it has been handed to the callback,
 * or until timeout_ms passes. With timeout_ms 0 it returns HELPLINE_OK at once when nothing
 * accepted is undelivered. Must not be called from an event callback.
 * Same as helpline_flush_v2(h, timeout_ms, HELPLINE_FLUSH_DELIVERED).
 * Returns HELPLINE_OK, HELPLINE_E_TIMEOUT, HELPLINE_E_INVALID_ARGUMENT (h NULL),
 * HELPLINE_E_CLOSED, HELPLINE_E_INVALID_STATE (called from the worker thread).
 */
HELPLINE_API helpline_status_t helpline_flush(helpline_t *h, uint32_t timeout_ms);

/** What helpline_flush_v2() waits for. */
typedef int32_t helpline_flush_mode_t;
enum {
  /** Delivered: as helpline_flush(). */
  HELPLINE_FLUSH_DELIVERED = 0,
  /** On disk: every item accepted before the call is committed to the store (SQLite WAL,
   *  synchronous=FULL), so it survives a crash, kill -9 or power loss and is delivered after the
   *  next open. Does not wait for the network (works offline). */
  HELPLINE_FLUSH_DURABLE = 1
};

/**
 * helpline_flush() with a mode. HELPLINE_FLUSH_DURABLE waits only for the group commit (typically
 * a millisecond or two; bounded by docs/OFFLINE.md's window W) — for a host that must know an
 * accepted message is safe before it, say, lets the process be suspended. With timeout_ms 0 it
 * returns HELPLINE_OK when nothing accepted waits for its commit, else HELPLINE_E_TIMEOUT.
 * Returns HELPLINE_OK, HELPLINE_E_TIMEOUT, HELPLINE_E_INVALID_ARGUMENT (h NULL, unknown mode),
 * HELPLINE_E_CLOSED, HELPLINE_E_INVALID_STATE (called from an event callback), or the store's error
 * when the commit failed (HELPLINE_E_DISK_FULL, HELPLINE_E_IO, HELPLINE_E_STORE: the items stay
 * accepted in memory and the commit is retried, docs/OFFLINE.md).
 */
HELPLINE_API helpline_status_t helpline_flush_v2(helpline_t *h, uint32_t timeout_ms,
                                                 helpline_flush_mode_t mode);

/**
 * Flushes for up to timeout_ms, stops the worker, closes the store and releases data_dir's lock.
 * Undelivered data stays on disk for the next open. Safe while other threads are inside calls on
 * the same handle (they finish or return HELPLINE_E_CLOSED); after it returns, every call on `h`
 * returns HELPLINE_E_CLOSED. The wait is bounded by timeout_ms plus the time to finish the
 * current store transaction.
 * Returns HELPLINE_OK, HELPLINE_E_TIMEOUT (closed anyway, with data left queued on disk),
 * HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED (already closed; harmless),
 * HELPLINE_E_INVALID_STATE (called from an event callback of this instance; nothing done).
 */
HELPLINE_API helpline_status_t helpline_close(helpline_t *h, uint32_t timeout_ms);

/**
 * Delivers up to max_events pending events (max_events <= 0 means all) to the event callback
 * on the calling thread, for HELPLINE_DELIVERY_DISPATCH instances (game loops, UI threads).
 * Returns the number of events delivered (0 when none, or for worker-delivery instances), or a
 * negative helpline_status_t: HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED.
 * Never blocks on disk or network.
 */
HELPLINE_API int helpline_dispatch(helpline_t *h, int max_events);

/**
 * Returns a JSON snapshot of the instance's counters in *out_json (free with helpline_free):
 * {"sdk_version", "data_dir", "schema_version", "outbox_depth", "in_flight", "delivered",
 *  "retries", "dropped", "dead_lettered", "events_pending", "events_delivered", "events_lost",
 *  "last_error", "last_success_at"}. Fields may be added in later versions.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h or out_json NULL), HELPLINE_E_CLOSED,
 * HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_stats_json(helpline_t *h, char **out_json);

/* ------------------------------------------------------------------------------------------ */
/* Delivery                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * Tells the SDK whether the device has a network (from the host's connectivity API). With 0 no
 * request is attempted (no wake-ups while offline); with 1 backoff is reset and queued items are
 * sent at once. The SDK also detects failures by itself; this only makes it faster and quieter.
 * Never blocks. Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_set_network_available(helpline_t *h, int available);

/**
 * Asks for an inbound poll (GET /v1/sync) and a delivery attempt now, without waiting for them.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_sync_now(helpline_t *h);

/* ------------------------------------------------------------------------------------------ */
/* Tickets and conversations                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Opens a ticket, offline or online. The ticket exists locally at once (helpline_tickets_json
 * shows it) and is sent through the outbox, exactly once, with the device context attached (OS,
 * SDK version, app version, model, locale and the device attributes). The returned id (a UUIDv7,
 * free with helpline_free) is the ticket's id on the server too, so it stays valid forever.
 * subject: 1..200 bytes; body: 1..20000 bytes; fields_json: NULL or a JSON object of at most 50
 * keys with string (at most 4000 bytes each), number, bool or null values (at most 16 KiB in all).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL/empty), HELPLINE_E_INVALID_UTF8,
 * HELPLINE_E_TOO_LARGE, HELPLINE_E_INVALID_JSON, HELPLINE_E_CLOSED, HELPLINE_E_BUSY,
 * HELPLINE_E_DISK_FULL, HELPLINE_E_NO_MEMORY. Nothing is queued unless it returns HELPLINE_OK.
 */
HELPLINE_API helpline_status_t helpline_ticket_create(helpline_t *h, const char *subject, const char *body,
                                                      const char *fields_json, char **out_ticket_id);

/**
 * Adds the user's message to a ticket (queued like the ticket; in order after it). Writing on a
 * solved or closed ticket reopens it. body: 1..20000 bytes. out_message_id may be NULL.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE,
 * HELPLINE_E_NOT_FOUND (no such ticket in the local view), HELPLINE_E_CLOSED, HELPLINE_E_BUSY,
 * HELPLINE_E_DISK_FULL, HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_message_send(helpline_t *h, const char *ticket_id, const char *body,
                                                     char **out_message_id);

/**
 * The local view of the user's tickets, newest activity first, in *out_json (free with
 * helpline_free): {"tickets": [{"id", "subject", "status", "fields", "created_at", "updated_at",
 * "unread_count", "message_count", "delivery": "queued" | "sent" | "failed",
 * "last_message": {"id", "author": {"type", "name"}, "body", "created_at"} | null}]}.
 * Includes what was accepted a moment ago and is not yet on disk. Reads the local store on the
 * calling thread through its own read-only connection: it never waits for the worker, the
 * network or a write in progress (docs/THREADING.md).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_CLOSED, HELPLINE_E_STORE,
 * HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_tickets_json(helpline_t *h, char **out_json);

/**
 * One ticket's conversation, oldest first: {"ticket": ticket object (as above), "messages": [{"id",
 * "ticket_id", "seq" (server order, null while queued), "author": {"type": "user" | "agent" |
 * "system", "name"}, "body", "created_at", "delivery": "queued" | "sent" | "failed", "read": bool,
 * "attachments": [{"id", "filename", "content_type", "size", "state": "queued" | "uploading" |
 * "uploaded" | "failed"}]}]}. Same threading as helpline_tickets_json.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND,
 * HELPLINE_E_CLOSED, HELPLINE_E_STORE, HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_ticket_messages_json(helpline_t *h, const char *ticket_id,
                                                             char **out_json);

/**
 * Marks every message of the ticket as read (unread_count becomes 0). Local only.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND,
 * HELPLINE_E_CLOSED, HELPLINE_E_BUSY.
 */
HELPLINE_API helpline_status_t helpline_ticket_mark_read(helpline_t *h, const char *ticket_id);

/**
 * Reopens a solved or closed ticket (status "open" locally at once; sent through the outbox).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND,
 * HELPLINE_E_CLOSED, HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_ticket_reopen(helpline_t *h, const char *ticket_id);

/** Largest attachment helpline_attachment_add accepts (the server's default cap). */
#define HELPLINE_MAX_ATTACHMENT_BYTES (10u * 1024u * 1024u)

/**
 * Attaches a file (a screenshot, a log...) to a ticket: the file is copied into data_dir before
 * the call returns (the host may delete its file afterwards), then uploaded by the worker with
 * HELPLINE_EVENT_ATTACHMENT progress events and linked to the ticket as a message of the user.
 * An upload cut by a restart or a network failure starts again (same idempotency key: the server
 * keeps one copy). The local copy is deleted once the server has it.
 * This is the one call that does file I/O on the calling thread (a copy of at most
 * HELPLINE_MAX_ATTACHMENT_BYTES): call it off a UI thread for large files.
 * mime: e.g. "image/png" (NULL: application/octet-stream). out_attachment_id may be NULL.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND
 * (no such ticket, or no such file), HELPLINE_E_TOO_LARGE (file over the cap), HELPLINE_E_IO
 * (unreadable file), HELPLINE_E_DISK_FULL, HELPLINE_E_CLOSED, HELPLINE_E_BUSY.
 */
HELPLINE_API helpline_status_t helpline_attachment_add(helpline_t *h, const char *ticket_id, const char *path,
                                                       const char *mime, char **out_attachment_id);

/* ------------------------------------------------------------------------------------------ */
/* Identity and device context                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * Switches from the anonymous device to an identified user. `identity_token` is the user's
 * identity JWT minted by the host app's backend (HS256, docs/protocol.md section 3); it is stored
 * in data_dir and sent with every later request. The server merges this device's anonymous
 * history into the user (HELPLINE_EVENT_IDENTITY "merged"), and the user's tickets from other
 * devices are pulled into the local view (HELPLINE_EVENT_TICKET). Items queued before the call are
 * still sent as the anonymous device, in order. Calling again for the same user replaces the
 * token (use it when the token expires: HELPLINE_EVENT_IDENTITY "token_rejected"). Switching to
 * another user without helpline_logout() first is refused. Never blocks on disk or network.
 * user_id: 1..128 bytes; identity_token: 1..8192 bytes, or NULL only when the app allows anonymous
 * writes and the user id is advisory (then nothing is merged).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL/empty, or another user is signed in),
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE, HELPLINE_E_CLOSED, HELPLINE_E_BUSY,
 * HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_identify(helpline_t *h, const char *user_id,
                                                 const char *identity_token);

/**
 * Signs the user out: the local view (tickets, messages, attachment copies), the sync cursor and
 * the user id are removed from the device, and the instance is the anonymous device again.
 * What the user wrote and is still queued is delivered first, as that user (nothing accepted is
 * lost); the stored token is deleted once nothing of the user is queued. HELPLINE_EVENT_IDENTITY
 * "logged_out" follows. Returns HELPLINE_OK (also when nobody is signed in),
 * HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED, HELPLINE_E_BUSY.
 */
HELPLINE_API helpline_status_t helpline_logout(helpline_t *h);

/**
 * Sets one attribute of the current principal (the identified user, or the anonymous device),
 * shown to agents beside the user's tickets. `json_value` is any JSON value (at most 4 KiB),
 * "null" removes the attribute. Delivered through the outbox like everything else.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8,
 * HELPLINE_E_INVALID_JSON, HELPLINE_E_TOO_LARGE (key over 64 bytes), HELPLINE_E_CLOSED,
 * HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_set_user_attribute(helpline_t *h, const char *key,
                                                           const char *json_value);

/**
 * Sets one device attribute (a string, at most 128 bytes). Well-known keys fill the device
 * context the SDK attaches to every ticket and registers with the server (PUT /v1/device):
 * "app_version", "model", "firmware_version", "locale"; any other key (at most 64 bytes) is a
 * free attribute used for notice targeting. OS name and version and the SDK version are
 * collected automatically. NULL value removes the attribute.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE,
 * HELPLINE_E_CLOSED, HELPLINE_E_BUSY.
 */
HELPLINE_API helpline_status_t helpline_set_device_attribute(helpline_t *h, const char *key,
                                                             const char *value);

/**
 * Registers the device's push token with the server (which only stores it for the app's own
 * push sender). platform: "apns", "fcm", "hms" or "web" (or any 1..16 byte name);
 * token: 1..4096 bytes. Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8,
 * HELPLINE_E_TOO_LARGE, HELPLINE_E_CLOSED, HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_set_push_token(helpline_t *h, const char *platform,
                                                       const char *token);

/* ------------------------------------------------------------------------------------------ */
/* FAQ / help center (synced to the device, searched offline)                                  */
/* ------------------------------------------------------------------------------------------ */

/**
 * Searches the offline FAQ (no network): ranked hits for plain keywords, questions, misspellings,
 * prefixes typed so far, loosely typed error codes ("e42", "ERR-SYNC-409") and author tags.
 * `locale` (e.g. "de-AT"; NULL or "" for every locale) prefers that language and falls back to the
 * default language ("en"). limit: 1..50. *out_json: {"query", "locale", "hits": [{"id",
 * "section_id", "title", "snippet" (matches in <b></b>), "score", "confidence", "locale"}]}; an
 * empty, punctuation-only or stop-word-only query gives no hits. Reads the local store on the
 * calling thread through the read-only connection (docs/THREADING.md).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL, limit, malformed locale),
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE (query over 1024 bytes), HELPLINE_E_CLOSED,
 * HELPLINE_E_STORE, HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_faq_search(helpline_t *h, const char *query, const char *locale,
                                                   int limit, char **out_json);

/** Sections with their articles' ids and titles: {"locale", "sections": [{"id", "locale", "title",
 *  "position", "articles": [{"id", "title", "position"}]}]}. Statuses as helpline_faq_search. */
HELPLINE_API helpline_status_t helpline_faq_sections_json(helpline_t *h, const char *locale, char **out_json);

/** One article as synced plus "vote" (this device's: true, false or null). HELPLINE_E_NOT_FOUND
 *  when the catalog does not hold it; otherwise statuses as helpline_faq_search. */
HELPLINE_API helpline_status_t helpline_faq_article_json(helpline_t *h, const char *article_id,
                                                         char **out_json);

/** Records the user's vote on an article (one per article; again replaces it) and sends it.
 *  Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND,
 *  HELPLINE_E_CLOSED, HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL. */
HELPLINE_API helpline_status_t helpline_faq_vote(helpline_t *h, const char *article_id, int helpful);

/**
 * Deflection: the articles to show while the user writes a ticket ({"hits": [...]} as
 * helpline_faq_search, confident hits only). The SDK reports what it suggested to the server
 * (deflection rate, docs/metrics.md): with the ticket's id when helpline_ticket_create follows
 * within 30 minutes, else as a ticket the FAQ answered. subject/body may be NULL (not both).
 * Statuses as helpline_faq_search.
 */
HELPLINE_API helpline_status_t helpline_faq_suggest_for_ticket(helpline_t *h, const char *subject,
                                                               const char *body, char **out_json);

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics: events, breadcrumbs, metrics, rules                                            */
/* ------------------------------------------------------------------------------------------ */

/**
 * Grants or revokes a consent; persisted in the store. Revoking diagnostics consent deletes the
 * diagnostics still queued (counted as dropped, reason "consent_revoked"). Diagnostics recorded
 * without consent are discarded, never sent later. Never blocks on disk (applied by the worker).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h NULL, unknown consent), HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_set_consent(helpline_t *h, helpline_consent_t what, int granted);

/**
 * Queues one diagnostics event named `kind` (1..200 bytes, e.g. "wifi_disconnect"; sent as a
 * protocol item of kind "event" with this name) with optional
 * attributes (a JSON object, at most 64 KiB; NULL for none). Requires diagnostics consent.
 * Returns HELPLINE_OK, HELPLINE_E_NO_CONSENT (dropped, not queued), HELPLINE_E_INVALID_ARGUMENT,
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_INVALID_JSON, HELPLINE_E_TOO_LARGE, HELPLINE_E_CLOSED,
 * HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_diagnostics_send(helpline_t *h, const char *kind,
                                                         const char *attributes_json);

/**
 * Records a breadcrumb (level info) in the in-memory ring of the last 100: written to disk only
 * as part of the next diagnostic or ticket. category: 1..64 bytes; message: at most 1024 bytes
 * (longer is cut). Redacted as recorded. Requires diagnostics consent (discarded otherwise).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE,
 * HELPLINE_E_NO_CONSENT, HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_breadcrumb(helpline_t *h, const char *category, const char *message);
/** helpline_breadcrumb with a level (HELPLINE_LOG_DEBUG .. HELPLINE_LOG_ERROR). */
HELPLINE_API helpline_status_t helpline_breadcrumb_level(helpline_t *h, helpline_log_level_t level,
                                                         const char *category, const char *message);

/**
 * Adds `delta` to a counter (e.g. "wifi_disconnects"), or sets a gauge (e.g. "disk_free_pct").
 * Samples are aggregated on the device and sent as one heartbeat per interval
 * (helpline_options_set_heartbeat_interval), never one message per sample; on-device rules see
 * every sample. name: 1..64 bytes; at most 256 distinct metrics; a name is a counter or a gauge,
 * not both. Requires diagnostics consent. Never blocks (a lock and a map update).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (NULL, not finite, counter/gauge mix),
 * HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE, HELPLINE_E_NO_CONSENT, HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_metric_add(helpline_t *h, const char *name, double delta);
HELPLINE_API helpline_status_t helpline_metric_set(helpline_t *h, const char *name, double value);

/**
 * Replaces the host's on-device rules (rules the server pushes are kept separately). Format and
 * semantics: docs/diagnostics.md, e.g. {"rules": [{"id": "low_disk", "metric": "disk_free_pct",
 * "op": "<", "value": 5, "for_s": 600, "cooldown_s": 3600}]}. At most 64 rules, 256 KiB. On any
 * error the previous rules stay in force.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_JSON (malformed, wrong types), HELPLINE_E_INVALID_ARGUMENT
 * (unknown operator, bad durations), HELPLINE_E_TOO_LARGE, HELPLINE_E_INVALID_UTF8, HELPLINE_E_CLOSED.
 */
HELPLINE_API helpline_status_t helpline_rules_load_json(helpline_t *h, const char *rules_json);

/* ------------------------------------------------------------------------------------------ */
/* Proactive notices                                                                           */
/* ------------------------------------------------------------------------------------------ */

/**
 * The notices that apply to this device now (within their time window, not dismissed), newest
 * first: {"notices": [notice as in HELPLINE_EVENT_NOTICE]}. Same threading as helpline_tickets_json.
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_CLOSED, HELPLINE_E_STORE,
 * HELPLINE_E_NO_MEMORY.
 */
HELPLINE_API helpline_status_t helpline_notices_json(helpline_t *h, char **out_json);

typedef int32_t helpline_notice_state_t;
enum { HELPLINE_NOTICE_SEEN = 1, HELPLINE_NOTICE_DISMISSED = 2 };
/**
 * Marks a notice seen (local) or dismissed (local, and acknowledged to the server).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_INVALID_UTF8, HELPLINE_E_NOT_FOUND,
 * HELPLINE_E_CLOSED, HELPLINE_E_BUSY.
 */
HELPLINE_API helpline_status_t helpline_notice_mark(helpline_t *h, const char *notice_id,
                                                    helpline_notice_state_t state);

/* ------------------------------------------------------------------------------------------ */
/* Surveys                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef int32_t helpline_survey_t;
enum {
  HELPLINE_SURVEY_CSAT = 1, /**< Customer satisfaction, score 1..5. */
  HELPLINE_SURVEY_NPS = 2,  /**< Net promoter score, 0..10. */
  HELPLINE_SURVEY_CES = 3   /**< Customer effort score, 1..7. */
};

/**
 * Queues a survey answer (delivered exactly once, offline-safe). ticket_id and comment may be
 * NULL; comment is at most 2000 bytes. Never blocks on disk or network: the answer is handed to
 * the worker, which commits it to disk within the group-commit window (docs/OFFLINE.md).
 * Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h NULL, unknown kind, score out of range,
 * empty ticket_id), HELPLINE_E_INVALID_UTF8, HELPLINE_E_TOO_LARGE, HELPLINE_E_CLOSED,
 * HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL (storage limit reached or the disk is failing).
 */
HELPLINE_API helpline_status_t helpline_survey_submit(helpline_t *h, helpline_survey_t kind, int score,
                                                      const char *ticket_id, const char *comment);

/* ------------------------------------------------------------------------------------------ */
/* Privacy: erase and export (docs/SECURITY.md)                                                */
/* ------------------------------------------------------------------------------------------ */

/**
 * Erases the user's support data, here and on the server. In one transaction the SDK deletes
 * every local trace from data_dir (tickets, messages, attachment copies, FAQ votes, notice
 * states, queued items, dead letters, sync cursors, survey prompt times, the signed-in user and
 * its token) and queues exactly one durable item: the erase request for the server, sent as the
 * user (or the anonymous device) with the old device id, which is replaced by a new random one.
 * Breadcrumbs and metrics held in memory are dropped. Works offline: the request survives
 * restarts and kill -9 and is delivered when the server is reachable. Kept: the offline FAQ
 * catalog, diagnostics consent, device attributes set by the host and rules (app settings, not
 * user data). HELPLINE_EVENT_ERASED "local" follows, then "server" once the server confirmed.
 * Calling it again with nothing written in between queues nothing new.
 *
 * Unlike other calls it waits for its own transaction to be on disk (a few milliseconds, at
 * most 10 s) so that the erase is durable when it returns: call it from a UI action, not from
 * a frame loop. Returns HELPLINE_OK, HELPLINE_E_INVALID_ARGUMENT (h NULL), HELPLINE_E_CLOSED,
 * HELPLINE_E_BUSY, HELPLINE_E_TIMEOUT or HELPLINE_E_DISK_FULL (the request was accepted and is
 * written when the disk allows; local data is erased then).
 */
HELPLINE_API helpline_status_t helpline_erase_all(helpline_t *h);

/**
 * Asks the server for a copy of everything it stores about the user (or the anonymous device).
 * The request is queued durably like any item; the answer arrives as HELPLINE_EVENT_EXPORT with
 * the export document. Never blocks on disk or network. Returns HELPLINE_OK,
 * HELPLINE_E_INVALID_ARGUMENT, HELPLINE_E_CLOSED, HELPLINE_E_BUSY, HELPLINE_E_DISK_FULL.
 */
HELPLINE_API helpline_status_t helpline_export_request(helpline_t *h);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HELPLINE_H */
