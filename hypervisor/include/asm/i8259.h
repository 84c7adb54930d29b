/* The legacy 8259 PICs (i8259.c). */
#ifndef ASM_I8259_H
#define ASM_I8259_H

/* Masks every line of both PICs. */
void i8259_mask_all(void);

#endif
