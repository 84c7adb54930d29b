/*
 * The PVH entry note every test guest carries (64-bit lib/head.S and 32-bit
 * lib32/head32.S both define pvh_entry): name "Xen", type
 * XEN_ELFNOTE_PHYS32_ENTRY (18), and a 32-bit physical entry address.
 */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4                 /* namesz: "Xen\0" */
	.long 4                 /* descsz */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry
