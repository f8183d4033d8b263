#---- apply_basic
puts [apply {{x} { expr {$x * $x} }} 7]
#---- apply_multiple_args
puts [apply {{a b} { return "$a-$b" }} one two]
#---- apply_default_and_args
puts [apply {{a {b 10} args} { return "$a $b [llength $args]" }} 1]
puts [apply {{a {b 10} args} { return "$a $b [llength $args]" }} 1 2 3 4]
#---- apply_stored_in_var
set sq {{x} {expr {$x * $x}}}
puts [apply $sq 5]
#---- apply_wrong_args
catch {apply {{x} {}} 1 2} e
puts $e
#---- apply_local_scope
set x outer
apply {{} { set x inner }}
puts $x
#---- apply_upvar
set counter 1
apply {{} { upvar 1 counter c; incr c }}
puts $counter
#---- lambda_basic
set f [lambda {x} { expr {$x + 100} }]
puts [$f 5]
#---- lambda_closure_statics
set acc [lambda {x} {{total 0}} { incr total $x }]
$acc 5
$acc 10
puts [$acc 1]
#---- lambda_as_lsort_command
set cmp [lambda {a b} { expr {[string length $b] - [string length $a]} }]
puts [lsort -command $cmp {a ccc bb}]
#---- lambda_passed_to_proc
proc mapl {f l} { set r {}; foreach x $l { lappend r [$f $x] }; return $r }
puts [mapl [lambda {x} { string toupper $x }] {a b c}]
#---- tailcall_basic
proc target {x} { return "target got $x" }
proc f {x} { tailcall target [expr {$x + 1}] }
puts [f 1]
#---- tailcall_loop_accumulator
proc sumto {n {acc 0}} {
    if {$n == 0} { return $acc }
    tailcall sumto [expr {$n - 1}] [expr {$acc + $n}]
}
puts [sumto 100]
#---- tailcall_deep_no_stack_overflow
proc countdown {n} {
    if {$n == 0} { return done }
    tailcall countdown [expr {$n - 1}]
}
puts [countdown 5000]
#---- tailcall_skips_rest
proc f {} {
    tailcall set result tail
    return "not reached"
}
puts [f]
#---- tailcall_level
proc g {} { info level }
proc f {} { tailcall g }
puts [f]
#---- tailcall_builtin
proc f {l} { tailcall llength $l }
puts [f {a b c}]
#---- apply_returns_code
puts [catch {apply {{} { error "in lambda" }}} e]
puts $e
#---- apply_with_break
foreach x {1 2 3} {
    apply {{x} { if {$x == 2} { return -code break } }} $x
    puts $x
}
#---- apply_info_level
puts [apply {{} { info level }}]
