/* test_objects.c - the WDF object model through a real (linked-in) driver: typed contexts, the
 * documented cleanup/destroy order, references keeping an object past WdfObjectDelete, handle
 * misuse findings (WDF-HANDLE-001/002/003, WDF-OBJ-001/002, WDF-PARAM-001, WDF-CTX-001, IRQL-001),
 * unimplemented DDI slots (WDF-DDI-001), leaks at unbind and teardown (WDF-OBJ-003), and the
 * handle table under concurrent create/delete/lookup.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nc-wdfobject-evt_wdf_object_context_destroy */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "drv_objects.h"

#include "check.h"
#include "kmdf/fx_globals.h"
#include "kmdf/kmdf_machine.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

static struct machine *machine_up(void)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    struct machine *m;

    REQUIRE(machine_create(&cfg, &m) == 0);
    REQUIRE(vf_machine_attach(m) == 0);
    REQUIRE(wdm_machine_attach(m) == 0);
    REQUIRE(kmdf_machine_attach(m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    return m;
}

static void bind(struct machine *m)
{
    REQUIRE(fx_driver_bind(m, "drv_objects", &WdfDriverGlobals, &WdfFunctions_01033) ==
            STATUS_SUCCESS);
    REQUIRE(WdfDriverGlobals != NULL && WdfFunctions_01033 != NULL);
}

/* The driver's callback log must read exactly `expected`; a mismatch prints what it read. */
#define CHECK_LOG(expected)                                                                    \
    do {                                                                                       \
        if (strcmp(DrvLog(), (expected)) == 0)                                                 \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, "log == " #expected, "log is \"%s\"", DrvLog());   \
    } while (0)

/* The DDI named in the most recent finding. */
static const char *last_ddi(void)
{
    static struct vf_finding f;
    size_t n = vf_kept();

    if (n == 0 || vf_finding_get(n - 1, &f) != 0)
        return "";
    return f.ddi != NULL ? f.ddi : "";
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

static void test_contexts(struct machine *m)
{
    WDFOBJECT o = NULL, big = NULL;
    PVOID extra = NULL, again = NULL;
    unsigned char *name_ctx;

    vf_reset();
    CHECK_EQ(DrvCreateNamed(NULL, "a", &o), STATUS_SUCCESS);
    name_ctx = DrvNameContext(o);
    REQUIRE(name_ctx != NULL);
    CHECK_EQ((uintptr_t)name_ctx % 16, 0);
    CHECK(strcmp((const char *)name_ctx, "a") == 0);
    /* Everything past the name the driver wrote is still zero: Value and the 44 pad bytes. */
    CHECK(all_zero(name_ctx + 2, 64 - 2));
    /* The accessor compiled in the driver's other file finds the same context. */
    CHECK(DrvNameTypeInfo() == DrvNameTypeInfoOtherFile());
    CHECK(DrvNameContextOtherFile(o) == (PVOID)name_ctx);
    /* A type never attached: NULL, and no finding (it is not misuse). */
    CHECK(DrvNeverAttachedContext(o) == NULL);
    CHECK(DrvExtraContext(o) == NULL);

    /* A second context type, added after creation: zeroed, found by both accessor forms. */
    CHECK_EQ(DrvAllocateExtra(o, &extra), STATUS_SUCCESS);
    REQUIRE(extra != NULL);
    CHECK_EQ((uintptr_t)extra % 16, 0);
    CHECK(all_zero(extra, 40));
    CHECK(DrvExtraContext(o) == extra);
    CHECK(DrvTypedExtraContext(o) == extra);
    CHECK(DrvNameContext(o) == (PVOID)name_ctx);
    /* The same type again: the existing context, not a second one. */
    CHECK_EQ(DrvAllocateExtra(o, &again), STATUS_OBJECT_NAME_EXISTS);
    CHECK(again == extra);
    CHECK(DrvContextOwner(name_ctx) == o);
    CHECK(DrvContextOwner(extra) == o);
    /* Documented rejections of WdfObjectAllocateContext. */
    CHECK_EQ(DrvAllocateUntyped(o), STATUS_OBJECT_NAME_INVALID);
    CHECK_EQ(DrvAllocateWithParent(o, o), STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);

    /* ContextSizeOverride enlarges the context; all of it is zeroed and writable. */
    CHECK_EQ(DrvCreateOverride(4096, &big), STATUS_SUCCESS);
    REQUIRE(DrvExtraContext(big) != NULL);
    CHECK(all_zero(DrvExtraContext(big), 4096));
    memset(DrvExtraContext(big), 0xab, 4096);
    CHECK_EQ(vf_total(), 0);

    /* Rule WDF-CTX-001: a pointer that is not a context. */
    {
        static _Alignas(16) unsigned char not_a_context[256];
        CHECK(DrvContextOwner(not_a_context + 128) == NULL);
        CHECK_EQ(vf_count(VF_RULE_CONTEXT_BAD_TYPE), 1);
        CHECK(strcmp(last_ddi(), "WdfObjectContextGetObject") == 0);
    }

    /* Attribute validation, with the statuses KMDF documents for object creation. */
    vf_reset();
    CHECK_EQ(DrvCreateBad(DRV_BAD_SIZE), STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(DrvCreateBad(DRV_BAD_OVERRIDE_SMALLER), STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
    CHECK_EQ(DrvCreateBad(DRV_BAD_OVERRIDE_UNTYPED), STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
    CHECK_EQ(DrvCreateBad(DRV_BAD_EXECUTION_LEVEL_NOT_ALLOWED), STATUS_WDF_EXECUTION_LEVEL_INVALID);
    CHECK_EQ(DrvCreateBad(DRV_BAD_SCOPE_NOT_ALLOWED), STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID);
    CHECK_EQ(DrvCreateBad(DRV_BAD_EXECUTION_LEVEL_INVALID), STATUS_WDF_OBJECT_ATTRIBUTES_INVALID);
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(DrvCreateBad(DRV_BAD_PARENT_HANDLE), STATUS_INVALID_HANDLE);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_INVALID), 1);
    CHECK(strcmp(last_ddi(), "WdfObjectCreate") == 0);

    DrvLogReset();
    DrvDelete(o);
    DrvDelete(big);
    CHECK_LOG("cleanup:a destroy:a=0 ");
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 0);
}

/* Documented order: children's cleanup before the parent's, then destroys (children first),
 * each as its reference count reaches zero.  Siblings in creation order, as WDF's FxObject. */
static void test_delete_order(struct machine *m)
{
    WDFOBJECT p, c1, c2, g1, x, y;

    vf_reset();
    CHECK_EQ(DrvCreateNamed(NULL, "P", &p), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(p, "C1", &c1), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(p, "C2", &c2), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(c1, "G1", &g1), STATUS_SUCCESS);
    DrvSetValue(p, 1);
    DrvSetValue(c1, 2);
    DrvSetValue(c2, 3);
    DrvSetValue(g1, 4);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 4);
    DrvLogReset();
    DrvDelete(p);
    CHECK_LOG("cleanup:G1 cleanup:C1 cleanup:C2 cleanup:P "
                           "destroy:G1=4 destroy:C1=2 destroy:C2=3 destroy:P=1 ");
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 0);

    /* A child deleted on its own leaves its parent alone. */
    CHECK_EQ(DrvCreateNamed(NULL, "X", &x), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(x, "Y", &y), STATUS_SUCCESS);
    DrvLogReset();
    DrvDelete(y);
    CHECK_LOG("cleanup:Y destroy:Y=0 ");
    DrvDelete(x);
    CHECK_LOG("cleanup:Y destroy:Y=0 cleanup:X destroy:X=0 ");
    CHECK_EQ(vf_total(), 0);
}

/* A reference keeps the object's memory and context past WdfObjectDelete; EvtDestroyCallback
 * runs at the last dereference and can still read the context. */
static void test_references(struct machine *m)
{
    WDFOBJECT o, p, c, x;

    vf_reset();
    CHECK_EQ(DrvCreateNamed(NULL, "O", &o), STATUS_SUCCESS);
    DrvSetValue(o, 42);
    DrvReference(o);
    DrvLogReset();
    DrvDelete(o);
    CHECK_LOG("cleanup:O ");
    CHECK_EQ(DrvGetValue(o), 42);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 1);
    /* Deleting it again is use after delete. */
    DrvDelete(o);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    CHECK(strcmp(last_ddi(), "WdfObjectDelete") == 0);
    DrvDereference(o);
    CHECK_LOG("cleanup:O destroy:O=42 ");
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 0);

    /* A referenced child: its cleanup runs with its parent's, its destroy waits. */
    CHECK_EQ(DrvCreateNamed(NULL, "P", &p), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(p, "C", &c), STATUS_SUCCESS);
    DrvReference(c);
    DrvLogReset();
    DrvDelete(p);
    CHECK_LOG("cleanup:C cleanup:P destroy:P=0 ");
    DrvDereference(c);
    CHECK_LOG("cleanup:C cleanup:P destroy:P=0 destroy:C=0 ");

    /* Rule WDF-OBJ-002: releasing a reference never taken is reported and ignored. */
    vf_reset();
    CHECK_EQ(DrvCreateNamed(NULL, "X", &x), STATUS_SUCCESS);
    DrvLogReset();
    DrvDereference(x);
    CHECK_EQ(vf_count(VF_RULE_OBJECT_REF_UNDERFLOW), 1);
    CHECK(strcmp(last_ddi(), "WdfObjectDereferenceActual") == 0);
    CHECK_LOG("");
    CHECK_EQ(DrvGetValue(x), 0);
    DrvDelete(x);
    CHECK_LOG("cleanup:X destroy:X=0 ");
    CHECK_EQ(vf_total(), 1);
}

static void test_no_delete_dispose(struct fx_object *obj)
{
    (void)obj;
}

static const struct fx_object_ops test_framework_owned_ops = {
    .type = FX_TYPE_OBJECT,
    .size = sizeof(struct fx_object),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .dispose = test_no_delete_dispose,
};

static void test_bad_handles(struct machine *m)
{
    WDFOBJECT a, b, plain;
    struct fx_object *owned;
    size_t size = 99;

    vf_reset();
    /* Rule WDF-HANDLE-001: NULL, a pointer-like value, and a well-formed but never-issued one. */
    DrvDelete(NULL);
    DrvDelete((WDFOBJECT)(uintptr_t)0x1234);
    DrvDelete((WDFOBJECT)(uintptr_t)((77ull << 32) | (3u << 1) | 1u));
    CHECK_EQ(vf_count(VF_RULE_HANDLE_INVALID), 3);
    CHECK(strcmp(last_ddi(), "WdfObjectDelete") == 0);

    /* Rule WDF-HANDLE-003: a freed object's handle stays dead even when its slot is reused. */
    CHECK_EQ(DrvCreateNamed(NULL, "A", &a), STATUS_SUCCESS);
    DrvDelete(a);
    CHECK_EQ(DrvCreateNamed(NULL, "B", &b), STATUS_SUCCESS);
    CHECK(a != b);
    CHECK(DrvNameContext(a) == NULL);
    DrvDelete(a);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 2);
    CHECK(strcmp((const char *)DrvNameContext(b), "B") == 0);

    /* Rule WDF-HANDLE-002: a general object where a WDFMEMORY is expected. */
    CHECK_EQ(DrvCreatePlain(&plain), STATUS_SUCCESS);
    CHECK(DrvMemGetBuffer((WDFMEMORY)plain, &size) == NULL);
    CHECK_EQ(size, 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 1);
    CHECK(strcmp(last_ddi(), "WdfMemoryGetBuffer") == 0);

    /* Rule WDF-PARAM-001. */
    CHECK_EQ(DrvCreateNullOut(), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 1);

    /* Rule WDF-OBJ-001: the driver may not delete an object the framework owns. */
    REQUIRE(fx_object_create(fx_globals(WdfDriverGlobals), &test_framework_owned_ops, NULL, NULL,
                             "test", NULL, &owned) == STATUS_SUCCESS);
    DrvDelete(fx_object_handle(owned));
    CHECK_EQ(vf_count(VF_RULE_OBJECT_DELETE_NOT_ALLOWED), 1);
    CHECK_EQ(fx_object_state(owned), FX_OBJECT_STATE_ALIVE);
    fx_object_delete(owned);

    /* Rule IRQL-001: WdfObjectDelete above DISPATCH_LEVEL is refused. */
    exec_ctx_self()->level = EXEC_LEVEL_DEVICE_MIN;
    DrvDelete(b);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    CHECK(DrvNameContext(b) != NULL);

    /* Rule WDF-DDI-001: a DDI slot dmabox does not implement. */
    CHECK_EQ(DrvQuery(b), STATUS_NOT_IMPLEMENTED);
    CHECK_EQ(vf_count(VF_RULE_DDI_NOT_IMPLEMENTED), 1);

    CHECK_EQ(vf_total(), 10);
    DrvDelete(b);
    DrvDelete(plain);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_ANY), 1); /* only the driver's root */
}

/* Unbinding deletes what the driver still owns (children first, creation order) and reports
 * an object kept by a reference never released (WDF-OBJ-003). */
static void test_leak_at_unbind(struct machine *m)
{
    WDFOBJECT a, b, c;
    WDFMEMORY mem;
    struct wdm_pool_stats before, after;

    vf_reset();
    wdm_pool_get_stats(m, &before);
    CHECK_EQ(DrvCreateNamed(NULL, "A", &a), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(a, "B", &b), STATUS_SUCCESS);
    CHECK_EQ(DrvCreateNamed(NULL, "C", &c), STATUS_SUCCESS);
    CHECK_EQ(DrvMemCreate(NonPagedPoolNx, 300, c, &mem, NULL), STATUS_SUCCESS);
    DrvReference(c);
    DrvReference(mem);
    DrvLogReset();
    fx_driver_unbind(WdfDriverGlobals);
    CHECK_LOG("cleanup:B cleanup:A cleanup:C destroy:B=0 destroy:A=0 ");
    CHECK_EQ(vf_count(VF_RULE_OBJECT_LEAK), 2);
    CHECK(WdfDriverGlobals == NULL && WdfFunctions_01033 == NULL);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_ANY), 0);
    /* The leaked WDFMEMORY's pool buffer went back too. */
    wdm_pool_get_stats(m, &after);
    CHECK_EQ(after.live_blocks, before.live_blocks);
    (void)b;
    bind(m);
}

/* ---- concurrency: create/reference/delete on several threads while others probe stale
 * handles; every probe must be reported as deleted, never crash or resolve. ---- */

#define THREADS 4
#define ROUNDS 3000

struct stress {
    struct machine *m;
    _Atomic(WDFOBJECT) last_dead;
    _Atomic unsigned long probes;
    _Atomic unsigned long bad_values;
};

static void *stress_thread(void *arg)
{
    struct stress *s = arg;

    exec_ctx_attach(s->m, "stress");
    for (unsigned i = 0; i < ROUNDS; i++) {
        WDFOBJECT o, dead;
        ULONG *value;
        /* No cleanup/destroy callbacks here: the driver's log is single-threaded. */
        if (DrvCreateOverride(64, &o) != STATUS_SUCCESS) {
            atomic_fetch_add(&s->bad_values, 1);
            continue;
        }
        value = DrvExtraContext(o);
        *value = i;
        DrvReference(o);
        DrvDelete(o);
        if (*(ULONG *)DrvExtraContext(o) != i)
            atomic_fetch_add(&s->bad_values, 1);
        DrvDereference(o);
        dead = atomic_exchange(&s->last_dead, o);
        if (i % 8 == 0 && dead != NULL) {
            /* Already freed (by this or another thread): reported, never resolved. */
            if (DrvExtraContext(dead) != NULL)
                atomic_fetch_add(&s->bad_values, 1);
            atomic_fetch_add(&s->probes, 1);
        }
    }
    exec_ctx_attach(NULL, "host");
    return NULL;
}

static void test_concurrency(struct machine *m)
{
    struct stress s = {.m = m};
    pthread_t t[THREADS];

    vf_reset();
    DrvLogReset();
    for (int i = 0; i < THREADS; i++)
        REQUIRE(pthread_create(&t[i], NULL, stress_thread, &s) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(atomic_load(&s.bad_values), 0);
    CHECK(atomic_load(&s.probes) > 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), atomic_load(&s.probes));
    CHECK_EQ(vf_total(), atomic_load(&s.probes));
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_OBJECT), 0);
}

/* Teardown with the driver still bound: reported, unbound, and its leaked object freed. */
static void test_detach_with_driver_bound(struct machine *m)
{
    WDFOBJECT o;

    vf_reset();
    CHECK_EQ(DrvCreateNamed(NULL, "L", &o), STATUS_SUCCESS);
    DrvReference(o);
    DrvLogReset();
    kmdf_machine_detach(m);
    CHECK_LOG("cleanup:L ");
    CHECK_EQ(vf_count(VF_RULE_OBJECT_LEAK), 2); /* the bound driver, and L's reference */
    CHECK(WdfDriverGlobals == NULL);
    CHECK(m->kmdf == NULL);
}

int main(void)
{
    struct machine *m = machine_up();

    bind(m);
    test_contexts(m);
    test_delete_order(m);
    test_references(m);
    test_bad_handles(m);
    test_leak_at_unbind(m);
    test_concurrency(m);
    test_detach_with_driver_bound(m);

    vf_reset();
    wdm_machine_detach(m);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 0);
    vf_machine_detach(m);
    machine_destroy(m);
    return check_done();
}
