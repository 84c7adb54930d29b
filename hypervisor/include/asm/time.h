/* The TSC, calibrated against the PIT at boot. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <tern/types.h>

/* Measures the TSC frequency; returns it in kHz (0 if the PIT gave nothing usable). */
uint64_t tsc_calibrate(void);
extern uint64_t tsc_khz;

#endif
