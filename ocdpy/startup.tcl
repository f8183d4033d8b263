# ocdpy's start-up procs: the Tcl-level helpers OpenOCD users and config files rely on.
# SPDX-License-Identifier: MIT

# Which transport family the session uses (selecting the adapter's default if none was chosen).
proc using_jtag {} { expr {[string first jtag [transport select]] >= 0} }
proc using_swd {} { expr {[string first swd [transport select]] >= 0} }
proc using_hla {} { expr {[string first hla [transport select]] >= 0} }

# Old name of `find`.
proc ocd_find {file} { find $file }
