/* cli_docs.h - the field names of one "JSON fields" table of docs/cli.md (tests/tools), so a
 * test can check that a command's --json output and its documentation list the same fields. */
#ifndef DMABOX_TESTS_CLI_DOCS_H
#define DMABOX_TESTS_CLI_DOCS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "json_mini.h"

#define MAX_DOC_FIELDS 64

/* The first column of the table under the heading that starts with `heading`. */
static inline size_t doc_fields(const char *heading, char names[][64])
{
    FILE *f = fopen(DMABOX_SOURCE_DIR "/docs/cli.md", "r");
    char line[512];
    bool in = false;
    size_t n = 0;

    REQUIRE(f != NULL);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, heading, strlen(heading)) == 0) {
            in = true;
            continue;
        }
        if (in && strncmp(line, "#", 1) == 0)
            break;
        if (in && strncmp(line, "| `", 3) == 0) {
            char *end = strchr(line + 3, '`');
            REQUIRE(end != NULL && n < MAX_DOC_FIELDS);
            *end = '\0';
            snprintf(names[n++], 64, "%.63s", line + 3);
        }
    }
    fclose(f);
    return n;
}

/* Every documented field is in the JSON and every JSON field is documented. */
static inline void check_fields_documented(const char *heading, const struct jdoc *d)
{
    char names[MAX_DOC_FIELDS][64];
    size_t n = doc_fields(heading, names);

    CHECK(n >= 20);
    CHECK_EQ(d->n, n);
    for (size_t i = 0; i < n; i++) {
        if (jdoc_get(d, names[i]) == NULL)
            check_fail(__FILE__, __LINE__, "documented field", "'%s' missing from the JSON", names[i]);
        else
            check_passed++;
    }
    for (size_t i = 0; i < d->n; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || strcmp(d->f[i].key, names[k]) == 0;
        if (!found)
            check_fail(__FILE__, __LINE__, "JSON field", "'%s' not in docs/cli.md", d->f[i].key);
    }
}

#endif
