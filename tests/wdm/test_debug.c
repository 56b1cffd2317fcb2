/* test_debug.c - DbgPrint/DbgPrintEx output and filtering, the Windows format conversions,
 * and the checked-build stops (ASSERT, KeBugCheckEx, list corruption), each run in a child
 * process whose stderr is captured.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-dbgprintex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kebugcheckex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-removeentrylist */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ntddk.h>

#include "check.h"

/* Runs fn in a child with stderr redirected into out; returns the child's wait status. */
static int run_captured(void (*fn)(void), char *out, size_t cap)
{
    int fds[2], status = 0;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    REQUIRE(pipe(fds) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        fn();
        fflush(stderr);
        _exit(0);
    }
    close(fds[1]);
    while (len + 1 < cap && (n = read(fds[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    waitpid(pid, &status, 0);
    return status;
}

static void print_formats(void)
{
    UNICODE_STRING us;
    ANSI_STRING as;
    WCHAR wide[] = u"w\u00e9";

    RtlInitUnicodeString(&us, u"Dev0");
    RtlInitAnsiString(&as, "ansi");
    DbgPrint("A %wZ|%ws|%S|%Z|%C|%%|%s|\n", &us, wide, wide, &as, (int)u'x', "s");
    /* Windows: l is 32-bit, so only the low half of the 64-bit argument is read. */
    DbgPrint("B %lx|%I64x|%I64X|%Ix|%llu|%hd|%u\n", 0x1122334455667788ULL, 0x1122334455667788ULL,
             0xabcULL, (ULONG_PTR)0x10, 42ULL, 0x12345, 7u);
    DbgPrint("C [%5d][%-5d][%05x][%.3s][%8ws][%-4s]\n", 42, 42, 0xab, "abcdef", wide, "ab");
    DbgPrint("D %p %wZ %s\n", (PVOID)0x1000, (PUNICODE_STRING)NULL, (char *)NULL);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "E error\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "F info\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, 4, "G level4\n");  /* above the default: filtered */
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_MASK | 0x2, "H mask\n");
    KdPrint(("I kd %d\n", 1));
    KdPrintEx((DPFLTR_IHVDRIVER_ID, DPFLTR_WARNING_LEVEL, "J kdex\n"));
}

static void print_filtered(void)
{
    setenv("DMABOX_DBGPRINT_LEVEL", "0", 1);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "only errors\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_WARNING_LEVEL, "warning\n");
    DbgPrint("info\n");
}

static void fail_assert(void)
{
    int one = 1;
    CHECK(NT_VERIFY(one == 1)); /* a true NT_VERIFY yields its value */
    NT_ASSERT(one == 2);
}

static void fail_bugcheck(void)
{
    KeBugCheckEx(0xD1, 0x10, 2, 0, 0xdead);
}

static void fail_list(void)
{
    LIST_ENTRY head, a, b;
    InitializeListHead(&head);
    InsertTailList(&head, &a);
    InsertTailList(&head, &b);
    a.Flink = &head; /* corrupt: b is still linked to a */
    RemoveEntryList(&b);
}

static void test_formats(void)
{
    char out[4096];
    int status = run_captured(print_formats, out, sizeof(out));

    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strstr(out, "[driver] A Dev0|w\xc3\xa9|w\xc3\xa9|ansi|x|%|s|\n") != NULL);
    CHECK(strstr(out, "[driver] B 55667788|1122334455667788|ABC|10|42|9029|7\n") != NULL);
    CHECK(strstr(out, "[driver] C [   42][42   ][000ab][abc][      w\xc3\xa9][ab  ]\n") != NULL);
    CHECK(strstr(out, "[driver] D 0000000000001000 (null) (null)\n") != NULL);
    CHECK(strstr(out, "[driver] E error\n") != NULL);
    CHECK(strstr(out, "[driver] F info\n") != NULL);
    CHECK(strstr(out, "level4") == NULL);
    CHECK(strstr(out, "[driver] H mask\n") != NULL);
    CHECK(strstr(out, "[driver] I kd 1\n") != NULL);
    CHECK(strstr(out, "[driver] J kdex\n") != NULL);
    if (check_failed)
        fprintf(stderr, "captured:\n%s", out);
}

static void test_filter(void)
{
    char out[1024];
    int status = run_captured(print_filtered, out, sizeof(out));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strcmp(out, "[driver] only errors\n") == 0);
}

/* A checked build stops on a failed assertion, naming the expression and where it is. */
static void test_assert_stops(void)
{
    char out[1024];
    int status = run_captured(fail_assert, out, sizeof(out));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(out, "Assertion failed: one == 2") != NULL);
    CHECK(strstr(out, "test_debug.c") != NULL);
}

static void test_bugcheck_stops(void)
{
    char out[1024];
    int status = run_captured(fail_bugcheck, out, sizeof(out));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(out, "*** STOP: 0x000000D1 (0x0000000000000010, 0x0000000000000002, "
                      "0x0000000000000000, 0x000000000000DEAD)") != NULL);
}

/* Corrupted list links fail fast: bug check 0x139, FAST_FAIL_CORRUPT_LIST_ENTRY (3). */
static void test_list_corruption_stops(void)
{
    char out[1024];
    int status = run_captured(fail_list, out, sizeof(out));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(out, "*** STOP: 0x00000139 (0x0000000000000003,") != NULL);
}

int main(void)
{
    test_formats();
    test_filter();
    test_assert_stops();
    test_bugcheck_stops();
    test_list_corruption_stops();
    return check_done();
}
