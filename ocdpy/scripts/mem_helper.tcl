# SPDX-License-Identifier: MIT
#
# Small memory helpers for configuration scripts and event handlers, e.g.
# "mmw $RCC_CR 0x01000000 0" to switch a PLL on without disturbing the
# other bits. Target files load this with [find mem_helper.tcl].

# Read one 32-bit word (mrw), 16-bit halfword (mrh) or byte (mrb) from the
# target and return it as a number.
proc mrw {addr} { return [read_memory $addr 32 1] }
proc mrh {addr} { return [read_memory $addr 16 1] }
proc mrb {addr} { return [read_memory $addr 8 1] }

# Read-modify-write of a 32-bit word: bits in $clearbits are cleared first,
# then bits in $setbits are set, and the result is written back.
proc mmw {addr setbits clearbits} {
	set value [expr {(([mrw $addr] & ~$clearbits) | $setbits) & 0xffffffff}]
	mww $addr $value
}
