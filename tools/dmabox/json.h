/* json.h - a minimal streaming JSON writer for the dmabox command line's --json output (tools
 * layer).  Objects only nest as field values; strings are escaped per RFC 8259. */
#ifndef DMABOX_TOOLS_JSON_H
#define DMABOX_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
    FILE *out;
    unsigned depth;
    bool need_comma[JSON_MAX_DEPTH];
};

void json_begin(struct json *j, FILE *out);       /* opens the top-level object */
void json_end(struct json *j);                    /* closes it and ends the line */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v);  /* non-finite values become null */
void json_bool(struct json *j, const char *key, bool v);
void json_str(struct json *j, const char *key, const char *v);
void json_null(struct json *j, const char *key);

#endif
