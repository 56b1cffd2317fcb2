/* fx_check.c - the checks every DDI shim starts with besides handle resolution (kmdf layer):
 * maximum IRQL and required pointer parameters.  A failed check is driver misuse, reported to
 * the verifier; the shim then returns its documented failure.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-kmdf-verifier */
#include "kmdf/object/fx_object.h"

#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static const char *const fx_level_names[] = {"PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"};

static const char *fx_level_name(unsigned level)
{
    return level < 3 ? fx_level_names[level] : "DIRQL";
}

bool fx_check_irql(unsigned max_level, const char *ddi, const void *caller)
{
    unsigned level = exec_ctx_self()->level;

    if (level <= max_level)
        return true;
    vf_report(VF_RULE_IRQL_TOO_HIGH, NULL, ddi, caller, "called at IRQL %u (%s), maximum is %s",
              level, fx_level_name(level), fx_level_name(max_level));
    return false;
}

bool fx_check_not_null(const void *p, const char *param, const char *ddi, const void *caller)
{
    if (p != NULL)
        return true;
    vf_report(VF_RULE_NULL_PARAMETER, NULL, ddi, caller, "required parameter %s is NULL", param);
    return false;
}
