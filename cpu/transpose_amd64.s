//go:build amd64 && !purego

#include "textflag.h"

// HROUND swaps, in register a (four rows), the off-diagonal bits of the
// row pairs whose partner rows b the caller has put in Y4: the lower
// row becomes a ^ ((a ^ b<<j) & mask<<j) and the upper a ^ ((a ^ b>>j) &
// mask), the per-lane shifts and masks coming from left, right and m.
// Y5 is scratch.
#define HROUND(a, left, right, m) \
	VPSLLVQ left, Y4, Y5  \
	VPSRLVQ right, Y4, Y4 \
	VPOR    Y4, Y5, Y5    \
	VPXOR   a, Y5, Y5     \
	VPAND   m, Y5, Y5     \
	VPXOR   Y5, a, a

// VROUND swaps the off-diagonal bits of the rows in the lanes of lo with
// those j rows further on, in the same lanes of hi: t = (lo>>j ^ hi) &
// mask; lo ^= t<<j; hi ^= t. Y4 is scratch.
#define VROUND(lo, hi, j, mask) \
	VPSRLQ $j, lo, Y4 \
	VPXOR  hi, Y4, Y4 \
	VPAND  mask, Y4, Y4 \
	VPXOR  Y4, hi, hi \
	VPSLLQ $j, Y4, Y4 \
	VPXOR  Y4, lo, lo

// ROUNDS4 makes the rounds of distance j (registers Y0, Y2 with the next
// ones) and k (Y0, Y1 with Y2, Y3), with their masks mj and mk.
#define ROUNDS4(j, mj, k, mk) \
	VROUND(Y0, Y1, j, mj) \
	VROUND(Y2, Y3, j, mj) \
	VROUND(Y0, Y2, k, mk) \
	VROUND(Y1, Y3, k, mk)

// LANES makes the round that perm's partner lanes (perm $0x4e) define
// on each of Y0 to Y3.
#define LANES(perm, left, right, m) \
	perm $0x4e, Y0, Y4        \
	HROUND(Y0, left, right, m) \
	perm $0x4e, Y1, Y4        \
	HROUND(Y1, left, right, m) \
	perm $0x4e, Y2, Y4        \
	HROUND(Y2, left, right, m) \
	perm $0x4e, Y3, Y4        \
	HROUND(Y3, left, right, m)

// LOAD4 and STORE4 move Y0 to Y3 from and to SI, s bytes apart.
#define LOAD4(s) \
	VMOVDQU (SI), Y0      \
	VMOVDQU s(SI), Y1     \
	VMOVDQU (2*s)(SI), Y2 \
	VMOVDQU (3*s)(SI), Y3

#define STORE4(s) \
	VMOVDQU Y0, (SI)      \
	VMOVDQU Y1, s(SI)     \
	VMOVDQU Y2, (2*s)(SI) \
	VMOVDQU Y3, (3*s)(SI)

// func transpose64AVX2(a *[64]uint64)
//
// Transposes the 64 x 64 bit matrix at a in place, as transpose64 does.
// Register r of the sixteen that hold it has rows 4r to 4r+3, so the
// rounds of distance 4 to 32 pair whole registers and those of distance 1
// and 2 pair lanes of one register. The rounds commute: pass one makes
// the rounds of distance 1 to 8 on each group of four consecutive
// registers (16 rows), pass two those of distance 16 and 32 on each group
// of registers 4 apart.
TEXT ·transpose64AVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), DI

	// The masks of the six rounds, made as transpose64 makes them: the
	// mask of distance j/2 is that of distance j XOR itself shifted by
	// j/2. The rounds of distance 1 and 2 pair lanes of one register:
	// their masks and shift counts differ between the lane that holds the
	// lower row of a pair (shifted left, mask moved up by the distance;
	// a count of 64 gives 0) and the one that holds the upper row.
	VPCMPEQB Y0, Y0, Y0
	VPSRLQ   $32, Y0, Y15          // distance 32: 0x00000000ffffffff
	VPSLLQ   $16, Y15, Y1
	VPXOR    Y1, Y15, Y14          // 16: 0x0000ffff0000ffff
	VPSLLQ   $8, Y14, Y1
	VPXOR    Y1, Y14, Y13          // 8: 0x00ff00ff00ff00ff
	VPSLLQ   $4, Y13, Y1
	VPXOR    Y1, Y13, Y12          // 4: 0x0f0f0f0f0f0f0f0f
	VPSLLQ   $2, Y12, Y1
	VPXOR    Y1, Y12, Y2           // 2: 0x3333333333333333
	VPSLLQ   $1, Y2, Y1
	VPXOR    Y1, Y2, Y3            // 1: 0x5555555555555555
	VPSLLQ   $2, Y2, Y1
	VPBLENDD $0xf0, Y2, Y1, Y9     // lanes 0, 1 pair with lanes 2, 3
	VPSLLQ   $1, Y3, Y1
	VPBLENDD $0xcc, Y3, Y1, Y6     // lanes 0, 2 pair with lanes 1, 3
	VPSRLQ   $63, Y0, Y1           // shift counts 1,
	VPADDQ   Y1, Y1, Y2            // 2
	VPSLLQ   $6, Y1, Y3            // and 64
	VPBLENDD $0xcc, Y3, Y1, Y7     // left shifts 1, 64, 1, 64
	VPBLENDD $0xcc, Y1, Y3, Y8     // right shifts 64, 1, 64, 1
	VPBLENDD $0xf0, Y3, Y2, Y10    // left shifts 2, 2, 64, 64
	VPBLENDD $0xf0, Y2, Y3, Y11    // right shifts 64, 64, 2, 2

	MOVQ DI, SI
	MOVQ $4, CX

near:
	LOAD4(32)
	LANES(VPSHUFD, Y7, Y8, Y6)  // distance 1: lanes 0, 2 with 1, 3
	LANES(VPERMQ, Y10, Y11, Y9) // distance 2: lanes 0, 1 with 2, 3
	ROUNDS4(4, Y12, 8, Y13)
	STORE4(32)
	ADDQ $128, SI
	DECQ CX
	JNZ  near

	MOVQ DI, SI
	MOVQ $4, CX

far:
	LOAD4(128)
	ROUNDS4(16, Y14, 32, Y15)
	STORE4(128)
	ADDQ $32, SI
	DECQ CX
	JNZ  far

	VZEROUPPER
	RET
