/* sal.h - Microsoft source-annotation language (SAL 2) as no-ops.
 * The annotations document parameter contracts for static analysis on Windows; gcc ignores them.
 * https://learn.microsoft.com/en-us/cpp/code-quality/understanding-sal */
#ifndef DMABOX_WDK_SAL_H
#define DMABOX_WDK_SAL_H

#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _Inout_
#define _Inout_opt_
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_bytes_all_(n)
#define _Out_writes_bytes_to_(n, c)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_bytebuffer_(n)
#define _Outptr_opt_result_bytebuffer_(n)
#define _Outptr_result_maybenull_
#define _Deref_out_
#define _Deref_out_range_(a, b)
#define _Ret_
#define _Ret_maybenull_
#define _Ret_opt_bytecap_(n)
#define _Ret_range_(a, b)
#define _Success_(e)
#define _Check_return_
#define _Must_inspect_result_
#define _Use_decl_annotations_
#define _Function_class_(n)
#define _IRQL_requires_(l)
#define _IRQL_requires_max_(l)
#define _IRQL_requires_min_(l)
#define _IRQL_requires_same_
#define _IRQL_raises_(l)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, v)
#define _IRQL_restores_global_(k, v)
#define _IRQL_always_function_min_(l)
#define _IRQL_always_function_max_(l)
#define _IRQL_uses_cancel_
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Post_satisfies_(e)
#define _Pre_satisfies_(e)
#define _Post_invalid_
#define _Post_writable_byte_size_(n)
#define _When_(c, a)
#define _At_(t, a)
#define _Field_size_(n)
#define _Field_size_bytes_(n)
#define _Field_size_opt_(n)
#define _Field_range_(a, b)
#define _Struct_size_bytes_(n)
#define _Null_terminated_
#define _Notnull_
#define _Maybenull_
#define _Analysis_assume_(e)
#define _Strict_type_match_
#define _Kernel_float_used_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_clear_do_init_(v)
#define _Dispatch_type_(t)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Pre_notnull_
#define _Pre_
#define _Post_
#define _Reserved_
#define _Printf_format_string_
#define _Literal_
#define _Interlocked_operand_
#define _Inout_updates_bytes_all_(n)
#define _Const_
#define _Points_to_data_
#define _Pre_defensive_
#define _In_range_(a, b)
#define _Out_range_(a, b)
#define _Return_type_success_(e)
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_strictTypeMatch(m)
#define __drv_maxIRQL(l)
#define __drv_requiresIRQL(l)
#define __drv_when(c, a)
#define __drv_dispatchType(t)
#define __in
#define __out
#define __inout
#define __in_opt
#define __out_opt
#define __inout_opt
#define __in_bcount(n)
#define __out_bcount(n)

#endif
