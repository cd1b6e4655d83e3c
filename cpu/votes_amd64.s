//go:build amd64 && !purego

#include "textflag.h"

// BYTEMAX leaves in the low byte of X the largest unsigned byte of the
// 256-bit register Y (whose low half is X), using T (a 128-bit register)
// as scratch; shifting in zeros cannot raise a maximum.
#define BYTEMAX(Y, X, T) \
	VEXTRACTI128 $1, Y, T \
	VPMAXUB      T, X, X  \
	VPSRLDQ      $8, X, T \
	VPMAXUB      T, X, X  \
	VPSRLDQ      $4, X, T \
	VPMAXUB      T, X, X  \
	VPSRLDQ      $2, X, T \
	VPMAXUB      T, X, X  \
	VPSRLDQ      $1, X, T \
	VPMAXUB      T, X, X

// func votesBoundsAVX2(p *byte, vecs int) (hi, nz uint8)
TEXT ·votesBoundsAVX2(SB), NOSPLIT, $0-18
	MOVQ     p+0(FP), SI
	MOVQ     vecs+8(FP), CX
	VPCMPEQB Y15, Y15, Y15
	VPABSB   Y15, Y14      // 0x01 in every byte
	VPXOR    Y14, Y15, Y13 // 0xFE in every byte
	VPXOR    Y0, Y0, Y0    // max of vote+1
	VPXOR    Y1, Y1, Y1    // max of (vote+1) ^ 0xFE

loop:
	VMOVDQU (SI), Y2
	VPADDB  Y14, Y2, Y2
	VPMAXUB Y2, Y0, Y0
	VPXOR   Y13, Y2, Y2
	VPMAXUB Y2, Y1, Y1
	ADDQ    $32, SI
	DECQ    CX
	JNZ     loop

	BYTEMAX(Y0, X0, X2)
	BYTEMAX(Y1, X1, X2)
	VMOVD X0, AX
	VMOVD X1, BX
	MOVB  AX, hi+16(FP)
	MOVB  BX, nz+17(FP)
	VZEROUPPER
	RET
