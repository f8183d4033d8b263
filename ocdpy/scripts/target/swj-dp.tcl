# SPDX-License-Identifier: MIT
#
# swj_newdap CHIP TAG ?options...?
#
# ARM chips with an SWJ-DP can be debugged over JTAG or SWD through the same
# pins. Target files declare their debug port with swj_newdap, giving the
# options of "jtag newtap" (-irlen, -expected-id, ...); the command that
# really runs depends on the session transport:
#
#   jtag, hla_jtag, dapdirect_jtag   ->  jtag newtap CHIP TAG ...
#   swd,  hla_swd,  dapdirect_swd    ->  swd newdap  CHIP TAG ...
#
# Over SWD the JTAG-only options are accepted and ignored. High-level
# adapters (ST-Link "hla") accept "jtag newtap"/"swd newdap" as well; note
# that "hla newtap" is only a deprecated alias of swj_newdap itself, so it
# must not be used here.

# Settle the transport now (auto-selecting it if the adapter offers only one):
# nothing can be declared before it is known.
if {[catch {transport select} _swj_err]} {
	error "swj-dp.tcl: no session transport could be selected: $_swj_err"
}
unset _swj_err

proc swj_newdap {chip tag args} {
	if {[using_jtag]} {
		jtag newtap $chip $tag {*}$args
	} elseif {[using_swd]} {
		swd newdap $chip $tag {*}$args
	} else {
		error "swj_newdap: transport \"[transport select]\" is neither JTAG nor SWD"
	}
}
