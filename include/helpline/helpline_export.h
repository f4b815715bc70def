/* helpline_export.h — symbol visibility for the public C interface. */
#ifndef HELPLINE_EXPORT_H
#define HELPLINE_EXPORT_H

#if defined(HELPLINE_STATIC)
#define HELPLINE_API
#elif defined(_WIN32)
#if defined(HELPLINE_BUILDING)
#define HELPLINE_API __declspec(dllexport)
#else
#define HELPLINE_API __declspec(dllimport)
#endif
#else
#define HELPLINE_API __attribute__((visibility("default")))
#endif

#endif /* HELPLINE_EXPORT_H */
