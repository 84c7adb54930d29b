/* A decoder for loads and stores, just large enough for MMIO emulation, and
 * for MOV to/from control registers. */
#include <asm/insn.h>
#include <tern/errno.h>

#define PREFIX_OPSIZE 0x66
#define PREFIX_ADDRSIZE 0x67
#define PREFIX_LOCK 0xf0
#define PREFIX_REPNE 0xf2
#define PREFIX_REP 0xf3

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: /* segments */
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/* Bytes that follow a ModRM byte (SIB and displacement) with 32-bit (and
 * 64-bit) addressing. */
static unsigned int modrm_extra(uint8_t modrm, const uint8_t *next, size_t avail, bool *ok)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7, extra = 0;

	*ok = true;
	if (rm == 4) { /* SIB follows */
		if (avail < 1) {
			*ok = false;
			return 0;
		}
		extra = 1;
		if (mod == 0 && (next[0] & 7) == 5)
			return extra + 4; /* no base: disp32 */
	}
	if (mod == 0 && rm == 5)
		return extra + 4; /* disp32 (RIP-relative in 64-bit code) */
	if (mod == 1)
		return extra + 1;
	if (mod == 2)
		return extra + 4;
	return extra;
}

/* The same with 16-bit addressing: no SIB, 16-bit displacements. */
static unsigned int modrm_extra16(uint8_t modrm)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;

	if (mod == 0 && rm == 6)
		return 2; /* disp16 */
	return mod == 1 ? 1 : mod == 2 ? 2 : 0;
}

/* The segment a prefix byte names, or DEFAULT for another prefix. */
static enum insn_seg segment_of(uint8_t prefix)
{
	switch (prefix) {
	case 0x26: return INSN_SEG_ES;
	case 0x2e: return INSN_SEG_CS;
	case 0x36: return INSN_SEG_SS;
	case 0x3e: return INSN_SEG_DS;
	case 0x64: return INSN_SEG_FS;
	case 0x65: return INSN_SEG_GS;
	default: return INSN_SEG_DEFAULT;
	}
}

/* The one-byte forms without ModRM at A0-AD: MOV with an absolute address
 * (address-size bytes of it follow the opcode) and the string
 * instructions. i is just past the opcode. */
static int decode_a0_ad(uint8_t opcode, size_t i, size_t avail, struct insn_mem *out)
{
	switch (opcode) {
	case 0xa0: case 0xa1:
		out->load = true;
		/* fall through */
	case 0xa2: case 0xa3:
		out->src_is_reg = !out->load;
		out->reg_size = out->size;
		i += out->addr_size;
		if (i > avail)
			return -ENODATA;
		break;
	case 0xa4: case 0xa5:
		out->string = INSN_MOVS;
		break;
	case 0xaa: case 0xab:
		out->string = INSN_STOS;
		break;
	case 0xac: case 0xad:
		out->string = INSN_LODS;
		break;
	default:
		return -EINVAL; /* CMPS, TEST, SCAS: not loads or stores alone */
	}
	out->len = i;
	return 0;
}

int insn_decode_mem(const uint8_t *bytes, size_t avail, unsigned int code_bits,
		    struct insn_mem *out)
{
	size_t i = 0;
	bool opsize_prefix = false, addrsize_prefix = false, rep = false, rex = false;
	bool rex_w = false, rex_r = false, two_byte = false, ok;
	enum insn_seg seg = INSN_SEG_DEFAULT;
	uint8_t opcode, modrm;
	unsigned int extra, operand_size, addr_size;

	if (code_bits != 16 && code_bits != 32 && code_bits != 64)
		return -EINVAL;
	if (avail > INSN_MAX_LEN)
		avail = INSN_MAX_LEN;
	while (i < avail && is_legacy_prefix(bytes[i])) {
		opsize_prefix |= bytes[i] == PREFIX_OPSIZE;
		addrsize_prefix |= bytes[i] == PREFIX_ADDRSIZE;
		rep |= bytes[i] == PREFIX_REP || bytes[i] == PREFIX_REPNE;
		if (segment_of(bytes[i]) != INSN_SEG_DEFAULT)
			seg = segment_of(bytes[i]); /* the last one counts */
		i++;
	}
	/* REX exists only in 64-bit code; elsewhere 40-4F are INC/DEC. */
	if (code_bits == 64 && i < avail && (bytes[i] & 0xf0) == 0x40) {
		rex = true;
		rex_w = bytes[i] & 8;
		rex_r = bytes[i] & 4;
		i++;
	}
	if (i < avail && bytes[i] == 0x0f) {
		two_byte = true;
		i++;
	}
	if (i + 1 > avail)
		return -ENODATA;
	opcode = bytes[i++];
	*out = (struct insn_mem){ 0 };
	/* 0x66 flips the default operand size (16 in 16-bit code, else 32);
	 * 0x67 the default address size (64 to 32 in 64-bit code, 32 to 16 in
	 * 32-bit code, 16 to 32 in 16-bit code). */
	if (rex_w)
		operand_size = 8;
	else
		operand_size = (code_bits == 16) != opsize_prefix ? 2 : 4;
	if (code_bits == 64)
		addr_size = addrsize_prefix ? 4 : 8;
	else
		addr_size = (code_bits == 16) != addrsize_prefix ? 2 : 4;
	if (!two_byte && ((opcode >= 0xa0 && opcode <= 0xaf) || (opcode >= 0x6c && opcode <= 0x6f))) {
		out->size = (opcode & 1) ? operand_size : 1;
		out->addr_size = addr_size;
		out->rep = rep;
		out->seg = seg;
		if (opcode >= 0xa0)
			return decode_a0_ad(opcode, i, avail, out);
		/* INS/OUTS: REX.W changes nothing, ports take at most 4 bytes. */
		out->size = MIN(out->size, 4u);
		out->string = opcode < 0x6e ? INSN_INS : INSN_OUTS;
		out->len = i;
		return 0;
	}
	if (i + 1 > avail)
		return -ENODATA;
	modrm = bytes[i++];
	if (modrm >> 6 == 3)
		return -EINVAL; /* register to register: no memory access */
	out->reg = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
	if (two_byte) {
		if (opcode != 0xb6 && opcode != 0xb7)
			return -EINVAL;
		out->load = true;
		out->size = opcode == 0xb6 ? 1 : 2;
		out->reg_size = operand_size;
	} else {
		out->size = (opcode & 1) ? operand_size : 1;
		out->reg_size = out->size;
		switch (opcode) {
		case 0x86: case 0x87:
			out->exchange = true;
			/* fall through */
		case 0x88: case 0x89:
			out->src_is_reg = true;
			break;
		case 0x8a: case 0x8b:
			out->load = true;
			break;
		case 0xc6: case 0xc7:
			if ((modrm >> 3) & 7)
				return -EINVAL;
			out->reg = 0;
			break;
		default:
			return -EINVAL;
		}
		/* Byte registers 4-7 are AH, CH, DH, BH unless a REX is present. */
		if (out->size == 1 && !rex && out->reg >= 4 && (out->load || out->src_is_reg)) {
			out->reg -= 4;
			out->reg_high8 = true;
		}
	}
	if (addr_size == 2) {
		extra = modrm_extra16(modrm);
	} else {
		extra = modrm_extra(modrm, bytes + i, avail - i, &ok);
		if (!ok)
			return -ENODATA;
	}
	if (i + extra > avail)
		return -ENODATA;
	i += extra;
	if (!out->load && !out->src_is_reg) {
		/* Immediates are at most 32 bits, sign-extended for 64-bit stores. */
		unsigned int imm_len = out->size == 8 ? 4 : out->size;
		uint64_t imm = 0;

		if (i + imm_len > avail)
			return -ENODATA;
		for (unsigned int b = 0; b < imm_len; b++)
			imm |= (uint64_t)bytes[i + b] << (8 * b);
		if (out->size == 8 && imm & 0x80000000u)
			imm |= 0xffffffff00000000ull;
		out->imm = imm;
		i += imm_len;
	}
	out->len = i;
	return 0;
}

int insn_decode_mov_cr(const uint8_t *bytes, size_t avail, bool long_mode,
		       struct insn_mov_cr *out)
{
	size_t i = 0;
	bool lock = false, rex_r = false, rex_b = false;
	uint8_t modrm;

	if (avail > INSN_MAX_LEN)
		avail = INSN_MAX_LEN;
	while (i < avail && is_legacy_prefix(bytes[i]))
		lock |= bytes[i++] == PREFIX_LOCK;
	if (long_mode && i < avail && (bytes[i] & 0xf0) == 0x40) {
		rex_r = bytes[i] & 4;
		rex_b = bytes[i] & 1;
		i++;
	}
	/* 0F, then 20 (read) or 22 (write), then ModRM. */
	if (i < avail && bytes[i] != 0x0f)
		return -EINVAL;
	if (i + 1 < avail && (bytes[i + 1] | 2) != 0x22)
		return -EINVAL;
	if (i + 3 > avail)
		return -ENODATA;
	modrm = bytes[i + 2];
	*out = (struct insn_mov_cr){
		.len = (unsigned int)(i + 3),
		.cr = ((modrm >> 3) & 7) | (rex_r ? 8 : 0),
		.gpr = (modrm & 7) | (rex_b ? 8 : 0),
		.to_cr = bytes[i + 1] == 0x22,
	};
	if (lock && out->cr == 0)
		out->cr = 8; /* AMD's alternative encoding of CR8 (CPUID AltMovCr8) */
	return 0;
}
