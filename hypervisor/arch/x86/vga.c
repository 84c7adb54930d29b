/* VGA text mode (80x25 at 0xb8000), for console=vga on machines without a serial line. */
#include <tern/arch.h>
#include <tern/string.h>

#define VGA_TEXT ((volatile uint16_t *)0xb8000)
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black */

static unsigned int row, col;

static void vga_scroll(void)
{
	for (unsigned int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		VGA_TEXT[i] = VGA_TEXT[i + VGA_COLS];
	for (unsigned int i = 0; i < VGA_COLS; i++)
		VGA_TEXT[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	row = VGA_ROWS - 1;
}

static void vga_write(const struct console_output *out, const char *text, size_t len)
{
	(void)out;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' || col == VGA_COLS) {
			col = 0;
			if (++row == VGA_ROWS)
				vga_scroll();
			if (text[i] == '\n')
				continue;
		}
		VGA_TEXT[row * VGA_COLS + col++] = VGA_ATTR | (uint8_t)text[i];
	}
}

void vga_init(struct console_output *out)
{
	for (unsigned int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		VGA_TEXT[i] = VGA_ATTR | ' ';
	row = col = 0;
	out->name = "vga";
	out->write = vga_write;
}
