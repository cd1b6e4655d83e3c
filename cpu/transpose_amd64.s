//go:build amd64 && !purego

#include "textflag.h"

// The masks of the six rounds of a 64 x 64 bit transpose (Hacker's
// Delight, 7-3), as transpose64 computes them. The rounds of distance 1
// and 2 pair lanes of one register: their masks and shift counts differ
// between the lane that holds the lower row of a pair (shifted left, mask
// moved up by the distance) and the one that holds the upper row.
DATA hmask1<>+0(SB)/8, $0xaaaaaaaaaaaaaaaa
DATA hmask1<>+8(SB)/8, $0x5555555555555555
DATA hmask1<>+16(SB)/8, $0xaaaaaaaaaaaaaaaa
DATA hmask1<>+24(SB)/8, $0x5555555555555555
GLOBL hmask1<>(SB), RODATA|NOPTR, $32

DATA left1<>+0(SB)/8, $1
DATA left1<>+8(SB)/8, $64
DATA left1<>+16(SB)/8, $1
DATA left1<>+24(SB)/8, $64
GLOBL left1<>(SB), RODATA|NOPTR, $32

DATA right1<>+0(SB)/8, $64
DATA right1<>+8(SB)/8, $1
DATA right1<>+16(SB)/8, $64
DATA right1<>+24(SB)/8, $1
GLOBL right1<>(SB), RODATA|NOPTR, $32

DATA hmask2<>+0(SB)/8, $0xcccccccccccccccc
DATA hmask2<>+8(SB)/8, $0xcccccccccccccccc
DATA hmask2<>+16(SB)/8, $0x3333333333333333
DATA hmask2<>+24(SB)/8, $0x3333333333333333
GLOBL hmask2<>(SB), RODATA|NOPTR, $32

DATA left2<>+0(SB)/8, $2
DATA left2<>+8(SB)/8, $2
DATA left2<>+16(SB)/8, $64
DATA left2<>+24(SB)/8, $64
GLOBL left2<>(SB), RODATA|NOPTR, $32

DATA right2<>+0(SB)/8, $64
DATA right2<>+8(SB)/8, $64
DATA right2<>+16(SB)/8, $2
DATA right2<>+24(SB)/8, $2
GLOBL right2<>(SB), RODATA|NOPTR, $32

DATA vmask4<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL vmask4<>(SB), RODATA|NOPTR, $8
DATA vmask8<>+0(SB)/8, $0x00ff00ff00ff00ff
GLOBL vmask8<>(SB), RODATA|NOPTR, $8
DATA vmask16<>+0(SB)/8, $0x0000ffff0000ffff
GLOBL vmask16<>(SB), RODATA|NOPTR, $8
DATA vmask32<>+0(SB)/8, $0x00000000ffffffff
GLOBL vmask32<>(SB), RODATA|NOPTR, $8

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
	MOVQ         a+0(FP), DI
	VMOVDQU      hmask1<>(SB), Y6
	VMOVDQU      left1<>(SB), Y7
	VMOVDQU      right1<>(SB), Y8
	VMOVDQU      hmask2<>(SB), Y9
	VMOVDQU      left2<>(SB), Y10
	VMOVDQU      right2<>(SB), Y11
	VPBROADCASTQ vmask4<>(SB), Y12
	VPBROADCASTQ vmask8<>(SB), Y13
	VPBROADCASTQ vmask16<>(SB), Y14
	VPBROADCASTQ vmask32<>(SB), Y15

	MOVQ DI, SI
	MOVQ $4, CX

near:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3
	VPSHUFD $0x4e, Y0, Y4
	HROUND(Y0, Y7, Y8, Y6)
	VPSHUFD $0x4e, Y1, Y4
	HROUND(Y1, Y7, Y8, Y6)
	VPSHUFD $0x4e, Y2, Y4
	HROUND(Y2, Y7, Y8, Y6)
	VPSHUFD $0x4e, Y3, Y4
	HROUND(Y3, Y7, Y8, Y6)
	VPERMQ $0x4e, Y0, Y4
	HROUND(Y0, Y10, Y11, Y9)
	VPERMQ $0x4e, Y1, Y4
	HROUND(Y1, Y10, Y11, Y9)
	VPERMQ $0x4e, Y2, Y4
	HROUND(Y2, Y10, Y11, Y9)
	VPERMQ $0x4e, Y3, Y4
	HROUND(Y3, Y10, Y11, Y9)
	VROUND(Y0, Y1, 4, Y12)
	VROUND(Y2, Y3, 4, Y12)
	VROUND(Y0, Y2, 8, Y13)
	VROUND(Y1, Y3, 8, Y13)
	VMOVDQU Y0, (SI)
	VMOVDQU Y1, 32(SI)
	VMOVDQU Y2, 64(SI)
	VMOVDQU Y3, 96(SI)
	ADDQ    $128, SI
	DECQ    CX
	JNZ     near

	MOVQ DI, SI
	MOVQ $4, CX

far:
	VMOVDQU (SI), Y0
	VMOVDQU 128(SI), Y1
	VMOVDQU 256(SI), Y2
	VMOVDQU 384(SI), Y3
	VROUND(Y0, Y1, 16, Y14)
	VROUND(Y2, Y3, 16, Y14)
	VROUND(Y0, Y2, 32, Y15)
	VROUND(Y1, Y3, 32, Y15)
	VMOVDQU Y0, (SI)
	VMOVDQU Y1, 128(SI)
	VMOVDQU Y2, 256(SI)
	VMOVDQU Y3, 384(SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     far

	VZEROUPPER
	RET
