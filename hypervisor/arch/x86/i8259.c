/*
 * The legacy 8259 PICs. tern takes its interrupts from the local APIC only;
 * firmware can leave the PICs unmasked with the BIOS's vectors (the PIT's
 * IRQ0 at vector 8, the double fault's), and on CPUs that pass the PIC's
 * INTR on whatever LINT0 says (Bochs) that interrupt would reach tern
 * whenever it enables interrupts. Masked at boot; dom0 sets them up again
 * as it would on the bare machine.
 */
#include <asm/io.h>
#include <asm/i8259.h>

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xa1

void i8259_mask_all(void)
{
	outb(PIC_MASTER_DATA, 0xff);
	outb(PIC_SLAVE_DATA, 0xff);
}
