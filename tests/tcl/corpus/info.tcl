#---- info_exists
set x 1
puts [info exists x]
puts [info exists y]
unset x
puts [info exists x]
#---- info_exists_in_proc
set g 1
proc f {} { info exists g }
puts [f]
proc h {} { global g; info exists g }
puts [h]
#---- info_commands_pattern
proc myUniqueProc1 {} {}
proc myUniqueProc2 {} {}
puts [lsort [info commands myUniqueProc*]]
puts [info commands set]
puts "<[info commands noSuchCmdXyz]>"
#---- info_procs_pattern
proc zzTestA {} {}
proc zzTestB {} {}
puts [lsort [info procs zzTest*]]
puts "<[info procs set]>"
#---- info_body
proc f {a b} { return [expr {$a + $b}] }
puts [info body f]
#---- info_args
proc f {a {b 2} args} {}
puts [info args f]
proc g {} {}
puts "<[info args g]>"
#---- info_body_not_proc
catch {info body set} e
puts $e
#---- info_level
puts [info level]
proc f {} { return [info level] }
proc g {} { return [f] }
puts [f]
puts [g]
#---- info_level_args
proc f {a b} { return [info level 0] }
puts [f 1 {x y}]
proc g {} { return [info level -1] }
proc caller {n} { g }
puts [caller 7]
#---- info_frame_count
proc f {} { info frame }
set top [info frame]
set inside [f]
puts [expr {$inside > $top}]
#---- info_version
puts [info version]
#---- info_script
puts [info script]
puts [string match *case.tcl [info script]]
proc f {} { info script }
puts [string equal [f] [info script]]
#---- info_exists_array_element
set a(x) 1
puts [info exists a(x)]
puts [info exists a(y)]
#---- info_commands_builtin_and_renamed
puts [info commands lindex]
rename lindex myLindexCopy
puts "<[info commands lindex]> [info commands myLindexCopy]"
puts [myLindexCopy {a b c} 1]
#---- info_complete
puts [info complete {set x 1}]
puts [info complete "set x \{"]
puts [info complete {set x "abc}]
#---- info_locals
proc f {a} { set b 2; lsort [info locals] }
puts [f 1]
#---- info_vars_pattern
set myVarTest1 1
set myVarTest2 2
puts [lsort [info vars myVarTest*]]
#---- info_bad_subcommand
catch {info nosuch} e
puts [string match "bad subcommand*" $e]
#---- info_procs_after_rename
proc beforeRenameX {} {}
rename beforeRenameX afterRenameX
puts "<[info procs beforeRenameX]> [info procs afterRenameX]"
#---- info_level_out_of_range
catch {info level 5} e
puts $e
#---- info_exists_after_unset_element
set a(1) x
unset a(1)
puts [info exists a(1)]
puts [info exists a]
#---- time_returns_string
puts [string match "* microseconds per iteration" [time {set x 1}]]
puts [string match "* microseconds per iteration" [time {set x 1} 10]]
#---- time_runs_body
set n 0
time {incr n} 5
puts $n
#---- info_body_preserves_text
proc f {} {
    # comment
    set x "a b"
}
puts [info body f]
#---- info_args_lambda_style_proc
proc f {{x 1} {y 2}} {}
puts [info args f]
#---- info_exists_upvar
proc f {} { upvar 1 zz v; info exists v }
puts [f]
set zz 1
puts [f]
