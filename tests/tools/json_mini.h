/* json_mini.h - a strict little JSON checker for the tests of `dmabox run --json` (tests/tools):
 * accepts exactly one object (RFC 8259 grammar; whitespace around it allowed) and records its
 * top-level fields, so a test can assert field names and values.  Nested objects are checked
 * and can be opened with jdoc_object. */
#ifndef DMABOX_TEST_JSON_MINI_H
#define DMABOX_TEST_JSON_MINI_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JDOC_MAX_FIELDS 128

struct jfield {
    char key[64];
    const char *val;     /* raw text of the value inside the parsed text */
    size_t len;
};

struct jdoc {
    struct jfield f[JDOC_MAX_FIELDS];
    size_t n;
    char *own;           /* text copy for jdoc_object results */
};

static const char *jm_value(const char *p, int depth);

static inline const char *jm_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static inline const char *jm_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p != '"'; p++) {
        if (*p == '\0' || (unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)p[i]))
                        return NULL;
                p += 4;
            } else if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0') {
                return NULL;
            }
        }
    }
    return p + 1;
}

static inline const char *jm_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (isdigit((unsigned char)*p))
            p++;
    else
        return NULL;
    if (*p == '.') {
        if (!isdigit((unsigned char)*++p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return p;
}

/* An object; with doc != NULL its fields are recorded. */
static inline const char *jm_object(const char *p, int depth, struct jdoc *doc)
{
    if (*p++ != '{' || depth > 16)
        return NULL;
    p = jm_ws(p);
    if (*p == '}')
        return p + 1;
    for (;;) {
        const char *k = p, *v;

        p = jm_string(p);
        if (p == NULL)
            return NULL;
        p = jm_ws(p);
        if (*p++ != ':')
            return NULL;
        v = jm_ws(p);
        p = jm_value(v, depth + 1);
        if (p == NULL)
            return NULL;
        if (doc != NULL) {
            size_t klen = (size_t)(jm_string(k) - k) - 2;
            if (doc->n == JDOC_MAX_FIELDS || klen >= sizeof(doc->f[0].key))
                return NULL;
            memcpy(doc->f[doc->n].key, k + 1, klen);
            doc->f[doc->n].key[klen] = '\0';
            doc->f[doc->n].val = v;
            doc->f[doc->n].len = (size_t)(p - v);
            doc->n++;
        }
        p = jm_ws(p);
        if (*p == '}')
            return p + 1;
        if (*p++ != ',')
            return NULL;
        p = jm_ws(p);
    }
}

static inline const char *jm_array(const char *p, int depth)
{
    if (*p++ != '[' || depth > 16)
        return NULL;
    p = jm_ws(p);
    if (*p == ']')
        return p + 1;
    for (;;) {
        p = jm_value(p, depth + 1);
        if (p == NULL)
            return NULL;
        p = jm_ws(p);
        if (*p == ']')
            return p + 1;
        if (*p++ != ',')
            return NULL;
        p = jm_ws(p);
    }
}

static const char *jm_value(const char *p, int depth)
{
    switch (*p) {
    case '{': return jm_object(p, depth, NULL);
    case '[': return jm_array(p, depth);
    case '"': return jm_string(p);
    case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default: return jm_number(p);
    }
}

/* true if text is exactly one JSON object (plus whitespace); fills doc.  Duplicate keys fail. */
static inline bool jdoc_parse(const char *text, struct jdoc *doc)
{
    const char *p;

    memset(doc, 0, sizeof(*doc));
    p = jm_object(jm_ws(text), 0, doc);
    if (p == NULL || *jm_ws(p) != '\0')
        return false;
    for (size_t i = 0; i < doc->n; i++)
        for (size_t k = i + 1; k < doc->n; k++)
            if (strcmp(doc->f[i].key, doc->f[k].key) == 0)
                return false;
    return true;
}

static inline const struct jfield *jdoc_get(const struct jdoc *doc, const char *key)
{
    for (size_t i = 0; i < doc->n; i++)
        if (strcmp(doc->f[i].key, key) == 0)
            return &doc->f[i];
    return NULL;
}

/* An unsigned integer field; UINT64_MAX if missing or not a plain unsigned integer. */
static inline uint64_t jdoc_u64(const struct jdoc *doc, const char *key)
{
    const struct jfield *f = jdoc_get(doc, key);
    char *end;
    uint64_t v;

    if (f == NULL || !isdigit((unsigned char)f->val[0]))
        return UINT64_MAX;
    v = strtoull(f->val, &end, 10);
    return end == f->val + f->len ? v : UINT64_MAX;
}

static inline double jdoc_double(const struct jdoc *doc, const char *key)
{
    const struct jfield *f = jdoc_get(doc, key);

    return f != NULL ? strtod(f->val, NULL) : -1.0;
}

/* Is the field the given literal JSON text (e.g. "\"pass\"", "null")? */
static inline bool jdoc_is(const struct jdoc *doc, const char *key, const char *raw)
{
    const struct jfield *f = jdoc_get(doc, key);

    return f != NULL && f->len == strlen(raw) && memcmp(f->val, raw, f->len) == 0;
}

/* Parses the object value of a field into *sub (which owns a copy of the text: jdoc_free it). */
static inline bool jdoc_object(const struct jdoc *doc, const char *key, struct jdoc *sub)
{
    const struct jfield *f = jdoc_get(doc, key);
    char *copy;

    memset(sub, 0, sizeof(*sub));
    if (f == NULL || f->val[0] != '{' || (copy = strndup(f->val, f->len)) == NULL)
        return false;
    if (!jdoc_parse(copy, sub)) {
        free(copy);
        return false;
    }
    sub->own = copy;
    return true;
}

static inline void jdoc_free(struct jdoc *doc)
{
    free(doc->own);
    doc->own = NULL;
}

#endif
