/*
 * ACPI table layouts (ACPI 5.0/6.x specification), for the hypervisor, which
 * reads the firmware's, and for the domain builder, which writes a PVH
 * domU's (tools/lib/dombuild_acpi.c). Layouts only: no hypervisor types.
 */
#ifndef TERN_ACPI_TABLES_H
#define TERN_ACPI_TABLES_H

#include <stdint.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;  /* 0: ACPI 1.0 (RSDT only); 2+: XSDT fields valid */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all 'length' bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP xsdt");
#define ACPI_RSDP_V1_LENGTH 20 /* what the first checksum covers */

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");
_Static_assert(__builtin_offsetof(struct acpi_header, checksum) == 9, "ACPI header checksum");

/* XSDT: the header, then 64-bit table addresses up to header.length. */
struct acpi_xsdt {
	struct acpi_header header;
	uint64_t entry[];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_xsdt) == 36, "XSDT");

/* Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");

/* FADT as ACPI 5.0 defines it (revision 5); 6.0 appends 8 bytes. */
struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat;
	uint16_t flush_size, flush_stride;
	uint8_t duty_offset, duty_width;
	uint8_t day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;   /* ACPI 5.1; reserved in 5.0 */
	uint8_t minor_revision;   /* ACPI 5.1; reserved in 5.0 */
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control, sleep_status;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct acpi_fadt, dsdt) == 40, "FADT dsdt");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm1a_evt_blk) == 56, "FADT pm1a_evt_blk");
_Static_assert(__builtin_offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT boot arch");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "FADT reset_reg");
_Static_assert(__builtin_offsetof(struct acpi_fadt, minor_revision) == 131, "FADT minor");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT x_dsdt");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm1a_evt_blk) == 148, "FADT x_pm1a");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_gpe1_blk) == 232, "FADT x_gpe1");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_status) == 256, "FADT sleep_status");
_Static_assert(sizeof(struct acpi_fadt) == 268, "FADT (ACPI 5.0)");

/* FADT IA-PC boot architecture flags. */
#define ACPI_FADT_BOOT_8042 (1u << 1)
#define ACPI_FADT_BOOT_NO_VGA (1u << 2)
#define ACPI_FADT_BOOT_NO_CMOS_RTC (1u << 5)
/* FADT fixed feature flags. */
#define ACPI_FADT_PWR_BUTTON (1u << 4) /* set: no fixed power button */
#define ACPI_FADT_SLP_BUTTON (1u << 5) /* set: no fixed sleep button */
#define ACPI_FADT_HW_REDUCED (1u << 20)

struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
	/* followed by variable-length entries: type, length, ... */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");

#define MADT_LAPIC 0
#define MADT_X2APIC 9

struct madt_lapic {
	uint8_t type, length;
	uint8_t acpi_uid;
	uint8_t apic_id;
	uint32_t flags;
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC");

struct madt_x2apic {
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t acpi_uid;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT x2APIC");

/* Which LINT pin of a processor (by ACPI UID) or of all carries NMI. */
#define MADT_LAPIC_NMI 4
#define MADT_X2APIC_NMI 10
#define MADT_NMI_ALL_UIDS8 0xffu
#define MADT_NMI_ALL_UIDS32 0xffffffffu

struct madt_lapic_nmi {
	uint8_t type, length;
	uint8_t acpi_uid; /* MADT_NMI_ALL_UIDS8: every processor */
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT LAPIC NMI");
_Static_assert(__builtin_offsetof(struct madt_lapic_nmi, acpi_uid) == 2, "MADT LAPIC NMI UID");

struct madt_x2apic_nmi {
	uint8_t type, length;
	uint16_t flags;
	uint32_t acpi_uid; /* MADT_NMI_ALL_UIDS32: every processor */
	uint8_t lint;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "MADT x2APIC NMI");
_Static_assert(__builtin_offsetof(struct madt_x2apic_nmi, acpi_uid) == 4, "MADT x2APIC NMI UID");

#endif
