//go:build amd64 && !purego

#include "textflag.h"

// ROWSETUP loads the arguments of the row-mask routines: SI = p, R8 = m,
// CX = rows, R11 = keep, DI = pos, R10 = neg, and +1 in every byte of Y14.
#define ROWSETUP \
	MOVQ     p+0(FP), SI      \
	MOVQ     m+8(FP), R8      \
	MOVQ     rows+16(FP), CX  \
	MOVQ     keep+24(FP), R11 \
	MOVQ     pos+32(FP), DI   \
	MOVQ     neg+40(FP), R10  \
	VPCMPEQB Y15, Y15, Y15    \
	VPABSB   Y15, Y14

// NEXTROW moves to the next row and its masks and goes back to loop.
#define NEXTROW(loop) \
	ADDQ R8, SI  \
	ADDQ $8, DI  \
	ADDQ $8, R10 \
	DECQ CX      \
	JMP  loop

// func rowMasksAVX2(p *int8, m, rows int, keep uint64, pos, neg *uint64)
//
// For each of rows rows, m bytes apart from p: the 64 votes at the row's
// start become bit k of pos (vote +1) and of neg (vote -1), both ANDed
// with keep. The caller makes sure 64 bytes are there for every row.
TEXT ·rowMasksAVX2(SB), NOSPLIT, $0-48
	ROWSETUP

rowloop:
	TESTQ     CX, CX
	JZ        rowdone
	VMOVDQU   (SI), Y0
	VMOVDQU   32(SI), Y1
	// -1 is the only vote with the sign bit set.
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y1, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	ANDQ      R11, AX
	MOVQ      AX, (R10)
	VPCMPEQB  Y14, Y0, Y0
	VPCMPEQB  Y14, Y1, Y1
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y1, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	ANDQ      R11, AX
	MOVQ      AX, (DI)
	NEXTROW(rowloop)

rowdone:
	VZEROUPPER
	RET

// func rowMasksNarrowAVX2(p *int8, m, rows int, keep uint64, pos, neg *uint64)
//
// rowMasksAVX2 for at most 32 LFs: one 32-byte load a row. The caller
// makes sure 32 bytes are there for every row.
TEXT ·rowMasksNarrowAVX2(SB), NOSPLIT, $0-48
	ROWSETUP

narrowloop:
	TESTQ     CX, CX
	JZ        narrowdone
	VMOVDQU   (SI), Y0
	VPMOVMSKB Y0, AX
	ANDQ      R11, AX
	MOVQ      AX, (R10)
	VPCMPEQB  Y14, Y0, Y0
	VPMOVMSKB Y0, AX
	ANDQ      R11, AX
	MOVQ      AX, (DI)
	NEXTROW(narrowloop)

narrowdone:
	VZEROUPPER
	RET
