//go:build amd64 && !purego

#include "textflag.h"

// The dwords that hold the four votes of each quadword, first: VPERMD
// moves them into the low 128 bits.
DATA dwordsLow<>+0(SB)/8, $0x0000000200000000
DATA dwordsLow<>+8(SB)/8, $0x0000000600000004
DATA dwordsLow<>+16(SB)/8, $0x0000000300000001
DATA dwordsLow<>+24(SB)/8, $0x0000000700000005
GLOBL dwordsLow<>(SB), RODATA|NOPTR, $32

// Byte 4j+i of the packed votes is value 4i+j of the 16: this PSHUFB
// mask puts value p at byte p.
DATA transpose<>+0(SB)/8, $0x0d0905010c080400
DATA transpose<>+8(SB)/8, $0x0f0b07030e0a0602
GLOBL transpose<>(SB), RODATA|NOPTR, $16

// func votesAVX2(dst *int8, src *byte, n int, tables *[32]byte) (ok bool)
//
// Decodes n little-endian float64 values (n a multiple of 16) from src
// into votes at dst, 16 at a time. A value is ±0 or ±1 exactly when its
// bits below the sign are 0 or 0x3FF0<<48; its top nibble (0, 8, 3 or
// 0xB for +0, -0, +1, -1) indexes tables[0:16], the votes, and
// tables[16:32], nonzero where the convention refuses the class. ok is
// false when any value is not ±0/±1 or is refused; dst then holds
// garbage, and the caller names the bad value by the general path.
TEXT ·votesAVX2(SB), NOSPLIT, $0-33
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ tables+24(FP), DX

	MOVQ           $0x7FFFFFFFFFFFFFFF, AX
	MOVQ           AX, X15
	VPBROADCASTQ   X15, Y15 // all but the sign
	MOVQ           $0x3FF0000000000000, AX
	MOVQ           AX, X14
	VPBROADCASTQ   X14, Y14 // 1.0
	MOVQ           $0x00000000FFFFFFFF, AX
	MOVQ           AX, X13
	VPBROADCASTQ   X13, Y13 // the four packed index bytes of each quadword
	VBROADCASTI128 (DX), Y12   // votes by top nibble
	VBROADCASTI128 16(DX), Y11 // refused by top nibble
	VMOVDQU        dwordsLow<>(SB), Y10
	VMOVDQU        transpose<>(SB), X9
	VPCMPEQQ       Y8, Y8, Y8 // AND of every value's "valid"
	VPXOR          Y7, Y7, Y7 // OR of "refused"
	VPXOR          Y6, Y6, Y6 // zero

loop:
	CMPQ CX, $16
	JLT  done

	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3

	// valid: (u &^ sign) is 0 or 1.0.
	VPAND    Y15, Y0, Y4
	VPCMPEQQ Y6, Y4, Y5
	VPCMPEQQ Y14, Y4, Y4
	VPOR     Y4, Y5, Y4
	VPAND    Y4, Y8, Y8
	VPAND    Y15, Y1, Y4
	VPCMPEQQ Y6, Y4, Y5
	VPCMPEQQ Y14, Y4, Y4
	VPOR     Y4, Y5, Y4
	VPAND    Y4, Y8, Y8
	VPAND    Y15, Y2, Y4
	VPCMPEQQ Y6, Y4, Y5
	VPCMPEQQ Y14, Y4, Y4
	VPOR     Y4, Y5, Y4
	VPAND    Y4, Y8, Y8
	VPAND    Y15, Y3, Y4
	VPCMPEQQ Y6, Y4, Y5
	VPCMPEQQ Y14, Y4, Y4
	VPOR     Y4, Y5, Y4
	VPAND    Y4, Y8, Y8

	// Top nibbles: value 4i+j at byte i of quadword j.
	VPSRLQ $60, Y0, Y0
	VPSRLQ $60, Y1, Y1
	VPSRLQ $60, Y2, Y2
	VPSRLQ $60, Y3, Y3
	VPSLLQ $8, Y1, Y1
	VPSLLQ $16, Y2, Y2
	VPSLLQ $24, Y3, Y3
	VPOR   Y1, Y0, Y0
	VPOR   Y3, Y2, Y2
	VPOR   Y2, Y0, Y0

	VPSHUFB Y0, Y11, Y1 // refused?
	VPAND   Y13, Y1, Y1
	VPOR    Y1, Y7, Y7
	VPSHUFB Y0, Y12, Y0 // votes
	VPERMD  Y0, Y10, Y0
	VPSHUFB X9, X0, X0
	VMOVDQU X0, (DI)

	ADDQ $128, SI
	ADDQ $16, DI
	SUBQ $16, CX
	JMP  loop

done:
	VPMOVMSKB Y8, AX
	CMPL      AX, $-1
	SETEQ     BX
	VPTEST    Y7, Y7
	SETEQ     AX
	ANDB      AX, BX
	MOVB      BX, ok+32(FP)
	VZEROUPPER
	RET
