//go:build amd64 && !purego

#include "textflag.h"

// func prefetchLines(p *int8, n int)
//
// Asks for the cache lines of the n bytes at p, one PREFETCHT0 every 64
// bytes. It reads nothing itself and never faults.
TEXT ·prefetchLines(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX

lineloop:
	CMPQ       CX, $0
	JLE        linedone
	PREFETCHT0 (SI)
	ADDQ       $64, SI
	SUBQ       $64, CX
	JMP        lineloop

linedone:
	RET
