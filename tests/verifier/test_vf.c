/* test_vf.c - the verifier core: rule catalogue, record/abort modes, counts, caller naming,
 * per-machine isolation, and that docs/rules.md lists every rule. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    REQUIRE(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_catalogue_and_doc(void)
{
    char *doc = read_file(DMABOX_SOURCE_DIR "/docs/rules.md");
    for (int i = 0; i < VF_RULE_COUNT; i++) {
        const struct vf_rule_info *r = vf_rule_info((enum vf_rule)i);
        CHECK(r->id != NULL && strcmp(r->id, "?") != 0);
        CHECK(r->name != NULL && r->name[0] != '\0');
        CHECK(r->doc != NULL && strncmp(r->doc, "https://learn.microsoft.com/", 27) == 0);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(r->id, vf_rule_info((enum vf_rule)j)->id) != 0);
        char cell[64];
        snprintf(cell, sizeof(cell), "| `%s` |", r->id);
        if (strstr(doc, cell) == NULL)
            check_fail(__FILE__, __LINE__, "rule listed in docs/rules.md", "%s missing", r->id);
        else
            check_passed++;
    }
    CHECK(strcmp(vf_rule_info(VF_RULE_COUNT)->id, "?") == 0);
    free(doc);
}

static __attribute__((noinline)) void report_from_here(const void *object)
{
    vf_report(VF_RULE_HANDLE_DELETED, object, "WdfObjectDelete", VF_CALLER(), "state %s", "deleted");
}

static void test_record_mode(void)
{
    struct vf_finding f;
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    vf_reset();
    report_from_here((void *)0x1234);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_INVALID), 0);
    CHECK_EQ(vf_total(), 1);
    REQUIRE(vf_finding_get(0, &f) == 0);
    CHECK(f.rule == VF_RULE_HANDLE_DELETED);
    CHECK(f.object == (void *)0x1234);
    CHECK(strcmp(f.ddi, "WdfObjectDelete") == 0);
    CHECK(strcmp(f.detail, "state deleted") == 0);
    /* The caller is test_vf's main-side function that called report_from_here. */
    CHECK(strstr(f.caller_sym, "test_vf") != NULL);
    CHECK(vf_finding_get(1, &f) == -1);

    for (int i = 0; i < VF_MAX_KEPT + 5; i++)
        vf_report(VF_RULE_POOL_LEAK, NULL, "ExFreePool", NULL, "n=%d", i);
    CHECK_EQ(vf_total(), VF_MAX_KEPT + 6);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), VF_MAX_KEPT + 5);
    CHECK_EQ(vf_kept(), VF_MAX_KEPT);
    vf_reset();
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(vf_kept(), 0);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 0);
}

/* Findings belong to the machine of the reporting thread. */
static void test_per_machine(void)
{
    struct machine *a, *b;
    REQUIRE(machine_create(NULL, &a) == 0);
    REQUIRE(vf_machine_attach(a) == 0);
    REQUIRE(machine_create(NULL, &b) == 0);
    REQUIRE(vf_machine_attach(b) == 0);

    exec_ctx_attach(a, "app-a");
    CHECK(vf_get_mode() == VF_MODE_ABORT); /* the default: a finding in a correct driver is fatal */
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    vf_report(VF_RULE_IRQL_TOO_HIGH, NULL, "KeWaitForSingleObject", NULL, "at DISPATCH_LEVEL");
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    exec_ctx_attach(b, "app-b");
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 0);
    CHECK(vf_get_mode() == VF_MODE_ABORT);

    vf_machine_detach(b);
    machine_destroy(b);
    vf_machine_detach(a);
    machine_destroy(a);
}

/* ABORT mode ends the process: a test of a correct driver cannot miss a finding. */
static void test_abort_mode(void)
{
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        vf_set_mode(VF_MODE_ABORT);
        vf_report(VF_RULE_SPINLOCK_RECURSIVE, NULL, "KeAcquireSpinLock", NULL, "already owner");
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

int main(void)
{
    test_catalogue_and_doc();
    test_record_mode();
    test_per_machine();
    test_abort_mode();
    return check_done();
}
