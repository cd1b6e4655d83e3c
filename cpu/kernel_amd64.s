//go:build amd64 && !purego

#include "textflag.h"

// Popcount of the 16 nibble values, twice (one copy per 128-bit lane).
DATA nibbles<>+0(SB)/8, $0x0302020102010100
DATA nibbles<>+8(SB)/8, $0x0403030203020201
DATA nibbles<>+16(SB)/8, $0x0302020102010100
DATA nibbles<>+24(SB)/8, $0x0403030203020201
GLOBL nibbles<>(SB), RODATA|NOPTR, $32

DATA lowNibbles<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL lowNibbles<>(SB), RODATA|NOPTR, $32

// NIBBLEPOP adds to the byte counters acc the popcount of each byte of t,
// using h as scratch; Y14 holds lowNibbles and Y15 nibbles.
#define NIBBLEPOP(t, h, acc) \
	VPSRLW  $4, t, h     \
	VPAND   t, Y14, t    \
	VPAND   h, Y14, h    \
	VPSHUFB t, Y15, t    \
	VPSHUFB h, Y15, h    \
	VPADDB  t, acc, acc  \
	VPADDB  h, acc, acc

// REDUCE4 adds the four counters Y8..Y11 (four 64-bit lanes each: pp, pn,
// np, nn) lane-summed to the four int64 at (R12).
#define REDUCE4 \
	VPUNPCKLQDQ Y9, Y8, Y0    \
	VPUNPCKHQDQ Y9, Y8, Y1    \
	VPADDQ      Y1, Y0, Y0    \
	VPUNPCKLQDQ Y11, Y10, Y2  \
	VPUNPCKHQDQ Y11, Y10, Y3  \
	VPADDQ      Y3, Y2, Y2    \
	VPERM2I128  $0x20, Y2, Y0, Y1 \
	VPERM2I128  $0x31, Y2, Y0, Y3 \
	VPADDQ      Y3, Y1, Y1    \
	VPADDQ      (R12), Y1, Y1 \
	VMOVDQU     Y1, (R12)

// TAILWORDS adds the joint counts of the CX words at byte offset AX of a
// (SI), c (BX), d (DI) and e (R14) to the counts at (R12), one word at a
// time with POPCNTQ.
#define TAILWORDS(loop, end) \
loop:                        \
	TESTQ   CX, CX           \
	JZ      end              \
	MOVQ    (SI)(AX*1), DX   \
	ANDQ    (DI)(AX*1), DX   \
	POPCNTQ DX, DX           \
	ADDQ    DX, 0(R12)       \
	MOVQ    (SI)(AX*1), DX   \
	ANDQ    (R14)(AX*1), DX  \
	POPCNTQ DX, DX           \
	ADDQ    DX, 8(R12)       \
	MOVQ    (BX)(AX*1), DX   \
	ANDQ    (DI)(AX*1), DX   \
	POPCNTQ DX, DX           \
	ADDQ    DX, 16(R12)      \
	MOVQ    (BX)(AX*1), DX   \
	ANDQ    (R14)(AX*1), DX  \
	POPCNTQ DX, DX           \
	ADDQ    DX, 24(R12)      \
	ADDQ    $8, AX           \
	DECQ    CX               \
	JMP     loop             \
end:

// SETUP loads the arguments: SI = a (x's positive bits), BX = c (its
// negative bits), DI = d and R14 = e (the first LF of ys), R8 = stride in
// bytes, R9 = half a stride in bytes, R10 = nw, R11 = nj, R12 = out.
#define SETUP \
	MOVQ x+0(FP), SI       \
	MOVQ ys+8(FP), DI      \
	MOVQ stride+16(FP), R8 \
	SHLQ $3, R8            \
	MOVQ R8, R9            \
	SHRQ $1, R9            \
	ANDQ $-8, R9           \
	MOVQ nw+24(FP), R10    \
	MOVQ nj+32(FP), R11    \
	MOVQ out+40(FP), R12   \
	LEAQ (SI)(R9*1), BX    \
	LEAQ (DI)(R9*1), R14

// func pairRowAVX2(x, ys *uint64, stride, nw, nj int, out *PairCounts)
TEXT ·pairRowAVX2(SB), NOSPLIT, $0-48
	SETUP
	VMOVDQU nibbles<>(SB), Y15
	VMOVDQU lowNibbles<>(SB), Y14
	MOVQ    R10, R13
	SHRQ    $2, R13 // 256-bit vectors per bitset
	ANDQ    $3, R10 // words left over

avx2pair:
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	XORQ  AX, AX
	MOVQ  R13, CX

avx2chunk:
	// Byte counters take at most 31 vectors (8 bits each) before they
	// are folded into the 64-bit counters.
	TESTQ   CX, CX
	JZ      avx2reduce
	MOVQ    $31, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y4, Y4, Y4
	VPXOR   Y5, Y5, Y5
	VPXOR   Y6, Y6, Y6
	VPXOR   Y7, Y7, Y7

avx2vec:
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU (BX)(AX*1), Y1
	VMOVDQU (DI)(AX*1), Y2
	VMOVDQU (R14)(AX*1), Y3
	VPAND   Y0, Y2, Y12
	NIBBLEPOP(Y12, Y13, Y4)
	VPAND   Y0, Y3, Y12
	NIBBLEPOP(Y12, Y13, Y5)
	VPAND   Y1, Y2, Y12
	NIBBLEPOP(Y12, Y13, Y6)
	VPAND   Y1, Y3, Y12
	NIBBLEPOP(Y12, Y13, Y7)
	ADDQ    $32, AX
	DECQ    DX
	JNZ     avx2vec

	VPXOR   Y12, Y12, Y12
	VPSADBW Y12, Y4, Y4
	VPSADBW Y12, Y5, Y5
	VPSADBW Y12, Y6, Y6
	VPSADBW Y12, Y7, Y7
	VPADDQ  Y4, Y8, Y8
	VPADDQ  Y5, Y9, Y9
	VPADDQ  Y6, Y10, Y10
	VPADDQ  Y7, Y11, Y11
	JMP     avx2chunk

avx2reduce:
	REDUCE4
	MOVQ R10, CX
	TAILWORDS(avx2tail, avx2next)
	ADDQ R8, DI
	ADDQ R8, R14
	ADDQ $32, R12
	DECQ R11
	JNZ  avx2pair
	VZEROUPPER
	RET

// func pairRowAVX512(x, ys *uint64, stride, nw, nj int, out *PairCounts)
TEXT ·pairRowAVX512(SB), NOSPLIT, $0-48
	SETUP
	MOVQ R10, R13
	SHRQ $3, R13 // 512-bit vectors per bitset
	ANDQ $7, R10 // words left over

avx512pair:
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	XORQ   AX, AX
	MOVQ   R13, CX
	TESTQ  CX, CX
	JZ     avx512reduce

avx512vec:
	VMOVDQU64 (SI)(AX*1), Z0
	VMOVDQU64 (BX)(AX*1), Z1
	VMOVDQU64 (DI)(AX*1), Z2
	VMOVDQU64 (R14)(AX*1), Z3
	VPANDQ    Z0, Z2, Z4
	VPANDQ    Z0, Z3, Z5
	VPANDQ    Z1, Z2, Z6
	VPANDQ    Z1, Z3, Z7
	VPOPCNTQ  Z4, Z4
	VPOPCNTQ  Z5, Z5
	VPOPCNTQ  Z6, Z6
	VPOPCNTQ  Z7, Z7
	VPADDQ    Z4, Z8, Z8
	VPADDQ    Z5, Z9, Z9
	VPADDQ    Z6, Z10, Z10
	VPADDQ    Z7, Z11, Z11
	ADDQ      $64, AX
	DECQ      CX
	JNZ       avx512vec

avx512reduce:
	// Fold the upper 256 bits of each counter onto the lower ones.
	VEXTRACTI64X4 $1, Z8, Y4
	VEXTRACTI64X4 $1, Z9, Y5
	VEXTRACTI64X4 $1, Z10, Y6
	VEXTRACTI64X4 $1, Z11, Y7
	VPADDQ        Y4, Y8, Y8
	VPADDQ        Y5, Y9, Y9
	VPADDQ        Y6, Y10, Y10
	VPADDQ        Y7, Y11, Y11
	REDUCE4
	MOVQ          R10, CX
	TAILWORDS(avx512tail, avx512next)
	ADDQ          R8, DI
	ADDQ          R8, R14
	ADDQ          $32, R12
	DECQ          R11
	JNZ           avx512pair
	VZEROUPPER
	RET

// func popcountAVX2(p *uint64, n int) int64
TEXT ·popcountAVX2(SB), NOSPLIT, $0-24
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), R10
	VMOVDQU nibbles<>(SB), Y15
	VMOVDQU lowNibbles<>(SB), Y14
	VPXOR   Y8, Y8, Y8
	MOVQ    R10, CX
	SHRQ    $2, CX
	ANDQ    $3, R10

popavx2chunk:
	TESTQ   CX, CX
	JZ      popavx2tail
	MOVQ    $31, DX
	CMPQ    CX, DX
	CMOVQLT CX, DX
	SUBQ    DX, CX
	VPXOR   Y4, Y4, Y4

popavx2vec:
	VMOVDQU (SI), Y12
	NIBBLEPOP(Y12, Y13, Y4)
	ADDQ    $32, SI
	DECQ    DX
	JNZ     popavx2vec
	VPXOR   Y12, Y12, Y12
	VPSADBW Y12, Y4, Y4
	VPADDQ  Y4, Y8, Y8
	JMP     popavx2chunk

popavx2tail:
	VEXTRACTI128 $1, Y8, X0
	VPADDQ       X0, X8, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDQ       X1, X0, X0
	VMOVQ        X0, AX
	VZEROUPPER

popavx2word:
	TESTQ   R10, R10
	JZ      popavx2done
	POPCNTQ (SI), DX
	ADDQ    DX, AX
	ADDQ    $8, SI
	DECQ    R10
	JMP     popavx2word

popavx2done:
	MOVQ AX, ret+16(FP)
	RET

// func popcountAVX512(p *uint64, n int) int64
TEXT ·popcountAVX512(SB), NOSPLIT, $0-24
	MOVQ   p+0(FP), SI
	MOVQ   n+8(FP), R10
	VPXORQ Z8, Z8, Z8
	MOVQ   R10, CX
	SHRQ   $3, CX
	ANDQ   $7, R10
	TESTQ  CX, CX
	JZ     popavx512fold

popavx512vec:
	VPOPCNTQ (SI), Z4
	VPADDQ   Z4, Z8, Z8
	ADDQ     $64, SI
	DECQ     CX
	JNZ      popavx512vec

popavx512fold:
	VEXTRACTI64X4 $1, Z8, Y4
	VPADDQ        Y4, Y8, Y8
	VEXTRACTI128  $1, Y8, X0
	VPADDQ        X0, X8, X0
	VPSHUFD       $0x4e, X0, X1
	VPADDQ        X1, X0, X0
	VMOVQ         X0, AX
	VZEROUPPER

popavx512word:
	TESTQ   R10, R10
	JZ      popavx512done
	POPCNTQ (SI), DX
	ADDQ    DX, AX
	ADDQ    $8, SI
	DECQ    R10
	JMP     popavx512word

popavx512done:
	MOVQ AX, ret+16(FP)
	RET
