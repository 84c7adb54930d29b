/* 16550 UART, polled: the console never waits on an interrupt. */
#include <asm/io.h>
#include <tern/arch.h>

#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03

#define UART_CLOCK_HZ 1843200
/* Give up on a byte after this many polls, so a dead port cannot hang us. */
#define UART_TX_POLLS 100000

static uint8_t lcr_bits(const struct uart_config *cfg)
{
	uint8_t lcr = (uint8_t)(cfg->data_bits - 5);

	if (cfg->stop_bits == 2)
		lcr |= 0x04;
	switch (cfg->parity) {
	case 'o': lcr |= 0x08; break;
	case 'e': lcr |= 0x18; break;
	case 'm': lcr |= 0x28; break;
	case 's': lcr |= 0x38; break;
	default: break;
	}
	return lcr;
}

static void uart_putc(uint16_t base, char c)
{
	for (unsigned int i = 0; i < UART_TX_POLLS; i++)
		if (inb(base + UART_LSR) & LSR_THRE)
			break;
	outb(base + UART_THR, (uint8_t)c);
}

static void uart_write(const struct console_output *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			uart_putc(out->io_base, '\r');
		uart_putc(out->io_base, text[i]);
	}
}

bool uart_init(struct console_output *out, const struct uart_config *cfg)
{
	uint16_t base = cfg->io_base;

	/* The scratch register tells whether a UART is there at all. */
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_IER, 0);
	if (cfg->baud) {
		uint32_t divisor = UART_CLOCK_HZ / 16 / cfg->baud;

		if (divisor == 0)
			divisor = 1;
		outb(base + UART_LCR, LCR_DLAB);
		outb(base + UART_DLL, (uint8_t)divisor);
		outb(base + UART_DLM, (uint8_t)(divisor >> 8));
		outb(base + UART_LCR, lcr_bits(cfg));
	}
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS);
	out->io_base = base;
	out->write = uart_write;
	return true;
}
