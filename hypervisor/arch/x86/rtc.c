/* The CMOS real-time clock, read once at boot for guests' wall clock. */
#include <asm/io.h>
#include <tern/arch.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UPDATING 0x80
#define RTC_BINARY 0x04
#define RTC_24H 0x02

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to the given date (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	static const unsigned int before_month[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	uint64_t days = 0;

	for (unsigned int year = 1970; year < y; year++)
		days += (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;
	days += before_month[(m - 1) % 12] + d - 1;
	if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	return days;
}

uint64_t rtc_read_seconds(void)
{
	unsigned int polls = 100000;
	uint8_t b;
	bool binary;
	unsigned int sec, min, hour, day, mon, year;

	/* Not while the RTC updates (bounded: a missing RTC must not hang us). */
	while ((cmos_read(RTC_STATUS_A) & RTC_UPDATING) && --polls)
		;
	b = cmos_read(RTC_STATUS_B);
	binary = b & RTC_BINARY;
	sec = from_bcd(cmos_read(RTC_SECONDS), binary);
	min = from_bcd(cmos_read(RTC_MINUTES), binary);
	hour = cmos_read(RTC_HOURS);
	day = from_bcd(cmos_read(RTC_DAY), binary);
	mon = from_bcd(cmos_read(RTC_MONTH), binary);
	year = 2000 + from_bcd(cmos_read(RTC_YEAR), binary);
	if (!(b & RTC_24H) && (hour & 0x80))
		hour = (from_bcd(hour & 0x7f, binary) % 12) + 12;
	else
		hour = from_bcd(hour & 0x7f, binary);
	if (!mon || mon > 12 || !day)
		return 0;
	return days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}
