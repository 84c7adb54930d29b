/* Choosing the virtualization extension once at boot, so one tern.gz runs on either vendor. */
#include <asm/svm.h>
#include <tern/console.h>

const struct hvm_ops *hvm;

const struct hvm_ops *hvm_probe(void)
{
	if (svm_probe())
		return &svm_ops;
	pr_err("HVM: no usable AMD-V; Intel VT-x is not supported yet\n");
	return NULL;
}
