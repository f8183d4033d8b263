#---- catch_codes
puts [catch {set x 1}]
puts [catch {error e}]
puts [catch {return r}]
puts [catch {break}]
puts [catch {continue}]
#---- catch_options_ok
catch {set x 5} r opts
puts $r
puts [dict get $opts -code]
puts [dict get $opts -level]
#---- catch_options_error
catch {error "bad thing"} r opts
puts $r
puts [dict get $opts -code]
puts [dict exists $opts -errorinfo]
#---- catch_options_return
catch {return -code error xyz} r opts
puts $r
puts [dict get $opts -code]
#---- return_code_error_in_proc
proc f {} { return -code error "custom error" }
puts [catch {f} e]
puts $e
#---- return_code_names
proc f {c} { return -code $c "val" }
foreach c {ok error return break continue} {
    puts "$c -> [catch {f $c} r] $r"
}
#---- return_code_numeric
proc f {} { return -code 10 ten }
puts [catch {f} r]
puts $r
#---- return_code_break_in_loop
proc brk {} { return -code break }
foreach x {1 2 3} {
    if {$x == 2} brk
    puts $x
}
#---- return_code_continue_in_loop
proc cont {} { return -code continue }
foreach x {1 2 3} {
    if {$x == 2} cont
    puts $x
}
#---- return_level_0
proc f {} { return -level 0 -code error "level zero" }
puts [catch {f} e]
puts $e
#---- return_level_2
proc inner {} { return -level 2 "from inner" }
proc outer {} { inner; return "from outer" }
puts [outer]
#---- return_no_value
proc f {} { return }
puts "<[f]>"
#---- return_early_from_loop
proc find {l v} {
    set i 0
    foreach x $l {
        if {$x eq $v} { return $i }
        incr i
    }
    return -1
}
puts [find {a b c} b]
puts [find {a b c} z]
#---- catch_return_in_proc
proc f {} {
    set r [catch {return early} v]
    return "caught $r $v"
}
puts [f]
#---- catch_options_return_level
catch {return -level 0 hello} r opts
puts $r
puts [dict get $opts -code]
#---- catch_then_rethrow
proc f {} {
    if {[catch {error original} msg]} {
        error "wrapped: $msg"
    }
}
catch {f} e
puts $e
#---- return_with_options_dict
proc f {} { return -code error -errorcode {MY CODE} "with code" }
catch {f} e opts
puts $e
puts [dict get $opts -errorcode]
#---- catch_in_loop_continue
set out {}
foreach x {1 0 2} {
    if {[catch {expr {10 / $x}} r]} { lappend out err; continue }
    lappend out $r
}
puts $out
#---- catch_break_in_catch_in_loop
foreach x {1 2 3} {
    set c [catch {if {$x == 2} break} r]
    puts "$x $c"
}
#---- catch_with_no_args
catch {catch} e
puts $e
#---- return_bad_code
catch {return -code bogus x} e
puts $e
#---- catch_errorcode_default
catch {error plain} r opts
puts [dict exists $opts -errorcode]
#---- catch_nonewline_output_preserved
catch { puts -nonewline "a"; puts "b"; error x }
puts c
#---- error_in_catch_body_stops
catch {
    puts one
    error stop
    puts two
}
puts three
#---- return_value_from_catch_body
puts [catch {list 1 2} v]
puts $v
#---- return_code_return_in_proc
proc inner {} { return -code return "passed up" }
proc outer {} { inner; return "not reached" }
puts [outer]
#---- catch_exit_code_list
catch {error boom} r o
puts [lsort [dict keys $o]]
