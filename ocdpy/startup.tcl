# ocdpy's start-up procs: the Tcl-level helpers OpenOCD users and config files rely on.
# SPDX-License-Identifier: MIT

# Which transport family the session uses (selecting the adapter's default if none was chosen).
proc using_jtag {} { expr {[string first jtag [transport select]] >= 0} }
proc using_swd {} { expr {[string first swd [transport select]] >= 0} }
proc using_hla {} { expr {[string first hla [transport select]] >= 0} }

# Old name of `find`.
proc ocd_find {file} { find $file }

# program FILE [ADDRESS] [preverify] [verify] [reset] [exit]: OpenOCD's one-line flashing, with its
# "** ... **" milestones, plus ocdpy's pre-flight checks (before anything is erased), the reason for
# every failure, and a summary.
proc program {filename args} {
	set opts [dict create preverify 0 verify 0 reset 0 exit 0]
	set where {}
	foreach arg $args {
		if {[dict exists $opts $arg]} {
			dict set opts $arg 1
		} else {
			set where [list $arg]
		}
	}
	set image [concat [list $filename] $where]
	set exit [dict get $opts exit]
	if {[catch {init} msg]} {
		program_error "** OpenOCD init failed **" 1 $msg
	}
	if {[catch {reset init} msg]} {
		program_error "** Unable to reset target **" $exit $msg
	}
	if {[catch {ocdpy_program_check {*}$image} msg]} {
		program_error "** Programming Failed **" $exit $msg
	}
	set flash 1
	if {[dict get $opts preverify]} {
		echo "**pre-verifying**"
		if {![catch {verify_image {*}$image}]} {
			echo "**Verified OK - No flashing**"
			set flash 0
		}
	}
	if {$flash} {
		echo "** Programming Started **"
		if {[catch {flash write_image erase {*}$image} msg]} {
			program_error "** Programming Failed **" $exit $msg
		}
		echo "** Programming Finished **"
		if {[dict get $opts verify]} {
			echo "** Verify Started **"
			if {[catch {verify_image {*}$image} msg]} {
				program_error "** Verify Failed **" $exit $msg
			}
			echo "** Verified OK **"
		}
	}
	ocdpy_program_summary $filename [dict get $opts verify]
	if {[dict get $opts reset]} {
		if {$exit} {
			poll off
		}
		echo "** Resetting Target **"
		reset run
	} else {
		ocdpy_left_halted
	}
	if {$exit} {
		shutdown
	}
}

# A failed step of `program`: say why, then stop (exit status 1 with 'exit') or raise the error.
proc program_error {description exit {reason {}}} {
	if {$reason ne {}} {
		echo "Error: $reason"
	}
	if {$exit} {
		echo $description
		shutdown error
	}
	error $description
}
