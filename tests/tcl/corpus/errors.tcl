#---- error_basic
catch {error "something bad"} e
puts $e
#---- error_return_code
puts [catch {error oops}]
#---- error_uncaught_exit
puts before
error "fatal problem"
puts after
#---- error_uncaught_in_proc
proc f {} { error "inner failure" }
puts start
f
puts never
#---- unknown_command_uncaught
puts start
this_is_not_a_command
#---- error_with_info
catch {error msg myinfo} e
puts $e
#---- error_three_args_unsupported
catch {error msg info MYCODE} e opts
puts $e
puts [dict get $opts -errorcode]
#---- error_nested_catch
set r [catch {
    catch {error inner} e1
    error "outer: $e1"
} e2]
puts "$r $e2"
#---- read_unset_var
catch {puts $nosuch} e
puts $e
#---- read_unset_var_in_quotes
catch {set x "value: $undefined"} e
puts $e
#---- set_wrong_args
catch {set} e
puts $e
catch {set a b c} e
puts $e
#---- unset_nonexistent
catch {unset nosuch} e
puts $e
#---- unset_nocomplain
unset -nocomplain nosuch
puts ok
#---- unset_multiple
set a 1; set b 2; set c 3
unset a b
puts [info exists a][info exists b][info exists c]
#---- incr_wrong_args
catch {incr} e
puts $e
#---- lindex_wrong_args
catch {lindex} e
puts $e
#---- llength_wrong_args
catch {llength a b} e
puts $e
#---- expr_error_message_empty
catch {expr {}} e
puts $e
#---- error_in_expr_command
catch {expr {[error inside] + 1}} e
puts $e
#---- error_propagates_through_loops
proc f {} { foreach x {1 2 3} { if {$x == 2} { error "at $x" } } }
catch {f} e
puts $e
#---- error_message_with_special_chars
catch {error "a {b} \"c\" \[d\]"} e
puts $e
#---- error_list_message
catch {error [list a "b c"]} e
puts $e
puts [llength $e]
#---- catch_no_var
puts [catch {set x 1}]
puts [catch {error x}]
#---- catch_result_of_ok
catch {set x 42} r
puts $r
#---- errorinfo_exists
catch {error boom}
puts [info exists errorInfo]
#---- error_in_uplevel
proc f {} { uplevel 1 {error "from uplevel"} }
catch {f} e
puts $e
#---- puts_wrong_args
catch {puts a b c d} e
puts $e
#---- uncaught_error_after_output_nonewline
puts -nonewline partial
error stop
#---- nonexistent_var_in_expr
catch {expr {$nope + 1}} e
puts $e
#---- wrong_args_builtin_list_like
catch {lrange {a b}} e
puts $e
catch {lsort} e
puts $e
catch {join} e
puts $e
#---- error_in_proc_default_message
proc checker {v} {
    if {![string is integer -strict $v]} { error "expected integer but got \"$v\"" }
    return ok
}
puts [checker 5]
catch {checker x} e
puts $e
#---- invalid_command_name_with_spaces
catch {{not a command}} e
puts $e
#---- error_wrong_args
catch {error} e
puts $e
#---- return_outside_proc_toplevel
puts before
return
puts after
