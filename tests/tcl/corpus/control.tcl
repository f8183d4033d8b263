#---- if_basic
if {1} { puts yes }
if {0} { puts no }
#---- if_else
set x 5
if {$x > 10} { puts big } else { puts small }
#---- if_elseif_chain
foreach x {-1 0 1} {
    if {$x < 0} { puts neg } elseif {$x == 0} { puts zero } else { puts pos }
}
#---- if_then_keyword
if {1} then { puts then-ok }
if {0} then { puts no } else { puts else-ok }
#---- if_returns_value
puts [if {1} {set x a} else {set x b}]
puts "<[if {0} {set x a}]>"
#---- if_string_condition
set s yes
if {$s} { puts truthy }
if {"abc" eq "abc"} { puts equal }
#---- if_non_boolean_error
catch {if {"abc"} { puts x }} e
puts $e
#---- if_unbraced_condition
set x 3
if $x==3 { puts three }
#---- for_basic
for {set i 0} {$i < 5} {incr i} { puts -nonewline "$i " }
puts ""
#---- for_break_continue
for {set i 0} {$i < 10} {incr i} {
    if {$i == 2} continue
    if {$i == 5} break
    puts $i
}
#---- for_step_two
for {set i 10} {$i > 0} {incr i -3} { puts $i }
#---- for_returns_empty
puts "<[for {set i 0} {$i < 3} {incr i} {}]>"
#---- for_var_after_loop
for {set i 0} {$i < 3} {incr i} {}
puts $i
#---- foreach_basic
foreach x {a b c} { puts $x }
#---- foreach_multiple_vars
foreach {k v} {a 1 b 2 c 3} { puts "$k=$v" }
#---- foreach_multiple_vars_uneven
foreach {a b c} {1 2 3 4} { puts "<$a><$b><$c>" }
#---- foreach_multiple_lists
foreach x {1 2 3} y {a b c} { puts "$x$y" }
#---- foreach_multiple_lists_uneven
foreach x {1 2 3} y {a} { puts "<$x><$y>" }
#---- foreach_multi_lists_multi_vars
foreach {a b} {1 2 3 4} c {x y} { puts "$a $b $c" }
#---- foreach_break_continue
foreach x {1 2 3 4 5} {
    if {$x == 2} continue
    if {$x == 4} break
    puts $x
}
#---- foreach_empty_list
foreach x {} { puts never }
puts done
#---- foreach_returns_empty
puts "<[foreach x {1 2} {set x}]>"
#---- foreach_nested
foreach a {1 2} { foreach b {x y} { puts -nonewline "$a$b " } }
puts ""
#---- foreach_modify_list_var
set l {1 2 3}
foreach x $l { lappend l [expr {$x * 10}] }
puts $l
#---- while_basic
set i 0
while {$i < 3} { puts $i; incr i }
#---- while_break_continue
set i 0
while 1 {
    incr i
    if {$i % 2} continue
    if {$i > 6} break
    puts $i
}
#---- while_returns_empty
set i 0
puts "<[while {$i < 2} {incr i}]>"
#---- break_outside_loop
catch {break} e opts
puts [catch {break}]
puts [catch {continue}]
#---- break_in_proc_error
proc f {} { break }
catch {f} e
puts $e
puts [catch {f}]
#---- nested_loop_break_inner_only
foreach a {1 2 3} {
    foreach b {1 2 3} {
        if {$b == 2} break
        puts "$a$b"
    }
}
#---- eval_basic
eval puts hello
eval {puts "braced eval"}
set cmd [list puts "a b"]
eval $cmd
#---- eval_concat_args
eval set x 5
puts $x
eval [list set y "two words"]
puts $y
catch {eval {set z} {a b}} e
puts $e
eval {set z} [list {a b}]
puts $z
#---- eval_list_command
set script {set r 1; incr r; set r}
puts [eval $script]
#---- eval_error
catch {eval {error boom}} e
puts $e
#---- loop_counter_sum
set sum 0
for {set i 1} {$i <= 100} {incr i} { incr sum $i }
puts $sum
#---- while_with_expr_var
set n 10
set steps 0
while {$n != 1} {
    if {$n % 2 == 0} { set n [expr {$n / 2}] } else { set n [expr {3 * $n + 1}] }
    incr steps
}
puts $steps
#---- foreach_list_from_command
foreach {a b} [list x "y z"] { puts "$a|$b" }
#---- if_missing_body_error
catch {if {1}} e
puts $e
#---- for_wrong_args
catch {for {set i 0} {$i < 1}} e
puts $e
#---- foreach_wrong_args
catch {foreach x} e
puts $e
