#---- proc_basic
proc add {a b} { return [expr {$a + $b}] }
puts [add 2 3]
#---- proc_implicit_return
proc last {} { set x 1; set y 2 }
puts [last]
#---- proc_empty_body
proc nothing {} {}
puts "<[nothing]>"
#---- proc_default_args
proc greet {name {greeting Hello}} { return "$greeting, $name" }
puts [greet World]
puts [greet World Hi]
#---- proc_args_varargs
proc va {first args} { return "$first | [llength $args] | $args" }
puts [va 1]
puts [va 1 2 3]
puts [va 1 {a b} c]
#---- proc_args_only
proc all args { return $args }
puts [all]
puts [all x y]
#---- proc_default_and_args
proc f {a {b 2} args} { return "$a $b {$args}" }
puts [f 1]
puts [f 1 5]
puts [f 1 5 6 7]
#---- proc_too_many_args
proc two {a b} {}
catch {two 1 2 3} e
puts $e
#---- proc_too_few_args
proc two {a b} {}
catch {two 1} e
puts $e
#---- proc_wrong_args_with_defaults
proc f {a {b 1} args} {}
catch {f} e
puts $e
#---- proc_recursive
proc fact {n} { if {$n <= 1} { return 1 }; return [expr {$n * [fact [expr {$n - 1}]]}] }
puts [fact 10]
puts [fact 20]
#---- proc_fib
proc fib {n} { if {$n < 2} { return $n }; expr {[fib [expr {$n-1}]] + [fib [expr {$n-2}]]} }
puts [fib 15]
#---- proc_local_scope
set x global
proc f {} { set x local; return $x }
puts [f]
puts $x
#---- proc_no_global_visibility
set g 1
proc f {} { catch {set g} e; return $e }
puts [f]
#---- proc_global_cmd
set counter 0
proc bump {} { global counter; incr counter }
bump; bump; bump
puts $counter
#---- proc_global_multiple
set a 1; set b 2
proc sum {} { global a b; expr {$a + $b} }
puts [sum]
#---- proc_global_creates
proc mk {} { global made; set made yes }
mk
puts $made
#---- proc_redefine
proc f {} { return one }
puts [f]
proc f {} { return two }
puts [f]
#---- proc_return_value_of_proc
puts "<[proc f {} {}]>"
#---- rename_basic
proc old {} { return hi }
rename old new
puts [new]
catch {old} e
puts $e
#---- rename_delete
proc tmp {} {}
rename tmp ""
puts [llength [info commands tmp]]
#---- rename_builtin_wrap
rename puts _orig_puts
proc puts {args} { _orig_puts "wrapped: [lindex $args end]" }
puts hello
rename puts ""
rename _orig_puts puts
puts back
#---- rename_nonexistent
catch {rename nosuchproc other} e
puts $e
#---- rename_to_existing
proc a {} {}
proc b {} {}
catch {rename a b} e
puts $e
#---- proc_name_with_colons
proc ::my::helper {} { return ok }
puts [::my::helper]
#---- proc_args_named_args_middle
proc f {args b} { return "$args|$b" }
catch {f 1 2 3} e
puts $e
#---- proc_static_vars
proc counter {} {{count 0}} { incr count }
puts [counter]
puts [counter]
puts [counter]
#---- proc_with_braced_default_list
proc f {{opts {a b c}}} { llength $opts }
puts [f]
puts [f x]
#---- proc_invalid_command
catch {nosuchcommand 1 2} e
puts $e
#---- proc_body_uses_caller_args
proc outer {x} { inner [expr {$x * 2}] }
proc inner {y} { return "inner got $y" }
puts [outer 21]
#---- proc_return_list
proc pair {} { return [list a "b c"] }
lassign [pair] p q
puts $q
#---- proc_args_empty_default
proc f {{a {}}} { return "<$a>" }
puts [f]
#---- proc_defined_inside_proc
proc maker {} { proc made {} { return inner } }
maker
puts [made]
#---- proc_wrong_arg_spec
catch {proc bad {{}} {}} e
puts $e
#---- proc_variable_named_like_command
proc f {list} { return [list $list $list] }
puts [f x]
#---- proc_deep_recursion_limit
proc r {n} { r [incr n] }
catch {r 0} e
puts $e
