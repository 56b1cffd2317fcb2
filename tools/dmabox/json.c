/* json.c - a minimal streaming JSON writer (tools layer): one object with scalar and nested
 * object fields, strings escaped per RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259). */
#include "json.h"

#include <math.h>

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void key(struct json *j, const char *k)
{
    if (j->need_comma[j->depth])
        fputc(',', j->out);
    j->need_comma[j->depth] = true;
    put_string(j->out, k);
    fputc(':', j->out);
}

void json_begin(struct json *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->need_comma[0] = false;
    fputc('{', out);
}

void json_end(struct json *j)
{
    fputs("}\n", j->out);
    fflush(j->out);
}

void json_object_begin(struct json *j, const char *k)
{
    key(j, k);
    fputc('{', j->out);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = false;
}

void json_object_end(struct json *j)
{
    fputc('}', j->out);
    if (j->depth > 0)
        j->depth--;
}

void json_u64(struct json *j, const char *k, uint64_t v)
{
    key(j, k);
    fprintf(j->out, "%llu", (unsigned long long)v);
}

void json_i64(struct json *j, const char *k, int64_t v)
{
    key(j, k);
    fprintf(j->out, "%lld", (long long)v);
}

void json_double(struct json *j, const char *k, double v)
{
    key(j, k);
    if (isfinite(v))
        fprintf(j->out, "%.6g", v);
    else
        fputs("null", j->out);
}

void json_bool(struct json *j, const char *k, bool v)
{
    key(j, k);
    fputs(v ? "true" : "false", j->out);
}

void json_str(struct json *j, const char *k, const char *v)
{
    key(j, k);
    put_string(j->out, v);
}

void json_null(struct json *j, const char *k)
{
    key(j, k);
    fputs("null", j->out);
}
